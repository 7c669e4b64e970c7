package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// UserMembership is one tenant a person belongs to, with their role there.
type UserMembership struct {
	Tenant Tenant
	Role   Role
}

// UserMemberships lists the tenants user belongs to, by tenant name. It
// reads across tenants as the connection's own role, like
// FindUserByEmail: a login must learn which tenants to offer before any
// tenant is chosen. It returns only the person's own memberships.
func (s *Store) UserMemberships(ctx context.Context, user uuid.UUID) ([]UserMembership, error) {
	var out []UserMembership
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT t.id, t.name, t.slug, t.created_at, m.role
			FROM memberships m JOIN tenants t ON t.id = m.tenant_id
			WHERE m.user_id = $1
			ORDER BY t.name, t.id`, user)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (UserMembership, error) {
			var m UserMembership
			err := r.Scan(&m.Tenant.ID, &m.Tenant.Name, &m.Tenant.Slug, &m.Tenant.CreatedAt, &m.Role)
			return m, err
		})
		return err
	})
	return out, wrap("user memberships", err)
}
