package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Tenant is an organisation. Every other row belongs to one.
type Tenant struct {
	ID        uuid.UUID
	Name      string
	Slug      string
	CreatedAt time.Time
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Slugify derives a tenant slug from a name: lower case, dashes for runs
// of other characters.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// CreateTenant creates a tenant. The slug defaults to Slugify(name).
func (s *Store) CreateTenant(ctx context.Context, name, slug string) (*Tenant, error) {
	name = strings.TrimSpace(name)
	if slug == "" {
		slug = Slugify(name)
	}
	if name == "" || !slugPattern.MatchString(slug) {
		return nil, invalidf("create tenant", "slug", "name must not be empty and slug must be lower-case letters, digits and dashes (got %q)", slug)
	}
	t := &Tenant{ID: newID(), Name: name, Slug: slug}
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3) RETURNING created_at`,
			t.ID, t.Name, t.Slug).Scan(&t.CreatedAt)
	})
	if err != nil {
		return nil, wrap("create tenant", err)
	}
	return t, nil
}

// GetTenant returns tenant's own row.
func (s *Store) GetTenant(ctx context.Context, tenant uuid.UUID) (*Tenant, error) {
	var t Tenant
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, name, slug::text, created_at FROM tenants WHERE id = $1`, tenant).
			Scan(&t.ID, &t.Name, &t.Slug, &t.CreatedAt)
	})
	if err != nil {
		return nil, wrap("get tenant", err)
	}
	return &t, nil
}

// FindTenant resolves a tenant by id or slug, across tenants. For
// administrative commands run by the operator, not for requests.
func (s *Store) FindTenant(ctx context.Context, idOrSlug string) (*Tenant, error) {
	var t Tenant
	q := `SELECT id, name, slug::text, created_at FROM tenants WHERE slug = $1`
	var arg any = idOrSlug
	if id, err := uuid.Parse(idOrSlug); err == nil {
		q, arg = `SELECT id, name, slug::text, created_at FROM tenants WHERE id = $1`, id
	}
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q, arg).Scan(&t.ID, &t.Name, &t.Slug, &t.CreatedAt)
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("find tenant %q", idOrSlug), err)
	}
	return &t, nil
}

// FirstTenant returns the tenant created first, across tenants: the
// operator's tenant when none is configured. ErrNotFound when there is
// none.
func (s *Store) FirstTenant(ctx context.Context) (*Tenant, error) {
	var t Tenant
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, name, slug::text, created_at FROM tenants ORDER BY created_at, id LIMIT 1`).
			Scan(&t.ID, &t.Name, &t.Slug, &t.CreatedAt)
	})
	if err != nil {
		return nil, wrap("first tenant", err)
	}
	return &t, nil
}

// RenameTenant changes tenant's display name.
func (s *Store) RenameTenant(ctx context.Context, tenant uuid.UUID, name string) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tenants SET name = $2 WHERE id = $1`, tenant, strings.TrimSpace(name))
		return exactlyOne("rename tenant", tag, err)
	})
}

// DeleteTenant deletes tenant and, by cascade, everything it owns. Users
// who belonged to no other tenant remain as accounts without membership.
func (s *Store) DeleteTenant(ctx context.Context, tenant uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM tenants WHERE id = $1`, tenant)
		return exactlyOne("delete tenant", tag, err)
	})
}
