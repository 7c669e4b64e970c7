package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Role is what a person or key may do in a tenant.
type Role string

// Roles: members run and edit tests and read everything in their tenant;
// admins also manage keys, members, secrets, webhooks and integrations.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// ParseRole checks a role given by a person.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Valid() {
		return r, nil
	}
	return "", invalidf("", "role", "role must be %q or %q, got %q", RoleAdmin, RoleMember, s)
}

// Member is a person's membership of a tenant.
type Member struct {
	User      User
	Role      Role
	CreatedAt time.Time
}

// AddMember gives user role in tenant.
func (s *Store) AddMember(ctx context.Context, tenant, user uuid.UUID, role Role) error {
	if !role.Valid() {
		return invalidf("add member", "role", "role must be %q or %q, got %q", RoleAdmin, RoleMember, role)
	}
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)`, tenant, user, role)
		return wrap("add member", err)
	})
}

// Membership returns user's role in tenant, or ErrNotFound.
func (s *Store) Membership(ctx context.Context, tenant, user uuid.UUID) (Role, error) {
	var role Role
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2`, tenant, user).Scan(&role)
	})
	return role, wrap("membership", err)
}

// ListMembers lists tenant's people, by email.
func (s *Store) ListMembers(ctx context.Context, tenant uuid.UUID) ([]Member, error) {
	var out []Member
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT u.id, u.email::text, u.name, u.created_at, u.last_login_at, m.role, m.created_at
			FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.tenant_id = $1 ORDER BY u.email`, tenant)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Member, error) {
			var m Member
			err := r.Scan(&m.User.ID, &m.User.Email, &m.User.Name, &m.User.CreatedAt, &m.User.LastLoginAt, &m.Role, &m.CreatedAt)
			return m, err
		})
		return err
	})
	return out, wrap("list members", err)
}

// SetRole changes user's role in tenant. The last admin cannot be demoted.
func (s *Store) SetRole(ctx context.Context, tenant, user uuid.UUID, role Role) error {
	if !role.Valid() {
		return invalidf("set role", "role", "role must be %q or %q, got %q", RoleAdmin, RoleMember, role)
	}
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		if role != RoleAdmin {
			if err := keepAnAdmin(ctx, tx, tenant, user); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2`, tenant, user, role)
		return exactlyOne("set role", tag, err)
	})
}

// RemoveMember ends user's membership of tenant and their sessions there.
// The last admin cannot be removed.
func (s *Store) RemoveMember(ctx context.Context, tenant, user uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		if err := keepAnAdmin(ctx, tx, tenant, user); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`, tenant, user)
		if err := exactlyOne("remove member", tag, err); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM user_sessions WHERE tenant_id = $1 AND user_id = $2`, tenant, user)
		return wrap("end sessions", err)
	})
}

// keepAnAdmin refuses a change that would leave tenant without an admin.
func keepAnAdmin(ctx context.Context, tx pgx.Tx, tenant, user uuid.UUID) error {
	var others int
	var isAdmin bool
	err := tx.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE user_id <> $2 AND role = 'admin'),
		       coalesce(bool_or(user_id = $2 AND role = 'admin'), false)
		FROM memberships WHERE tenant_id = $1`, tenant, user).Scan(&others, &isAdmin)
	if err != nil {
		return wrap("count admins", err)
	}
	if isAdmin && others == 0 {
		return invalidf("", "role", "the last admin of a tenant cannot be removed or demoted; make someone else admin first")
	}
	return nil
}
