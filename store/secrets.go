package store

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/internal/seal"
)

// Secret is a credential an agent may type, without its value: values are
// write-only and only opened by SecretValues, right before an agent runs.
type Secret struct {
	ID        uuid.UUID
	ProjectID uuid.UUID
	Name      string
	KeyID     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SecretNamePattern is what a secret name may look like; tests refer to
// secrets as {{secret.NAME}}.
var SecretNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)

// MaxSecretBytes bounds a secret value.
const MaxSecretBytes = 8 << 10

// secretAAD binds a ciphertext to its tenant, project and name, so a value
// copied into another row does not open.
func secretAAD(tenant, project uuid.UUID, name string) []byte {
	return []byte("secret\x00" + tenant.String() + "\x00" + project.String() + "\x00" + name)
}

// PutSecret creates or replaces a secret's value.
func (s *Store) PutSecret(ctx context.Context, tenant, project uuid.UUID, name, value string) (*Secret, error) {
	kr, err := s.keyring()
	if err != nil {
		return nil, err
	}
	if !SecretNamePattern.MatchString(name) {
		return nil, invalidf("put secret", "name", "name %q must start with a letter or underscore and hold only letters, digits, '_', '.', '-' (at most 64)", name)
	}
	if value == "" || len(value) > MaxSecretBytes {
		return nil, invalidf("put secret", "value", "value must be 1 to %d bytes", MaxSecretBytes)
	}
	sealed, err := kr.Seal([]byte(value), secretAAD(tenant, project, name))
	if err != nil {
		return nil, err
	}
	sec := Secret{ProjectID: project, Name: name, KeyID: sealed.KeyID}
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `
			INSERT INTO secrets (id, tenant_id, project_id, name, ciphertext, nonce, key_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (project_id, name) DO UPDATE
			SET ciphertext = excluded.ciphertext, nonce = excluded.nonce, key_id = excluded.key_id, updated_at = now()
			WHERE secrets.tenant_id = excluded.tenant_id
			RETURNING id, created_at, updated_at`,
			newID(), tenant, project, name, sealed.Ciphertext, sealed.Nonce, sealed.KeyID).Scan(&sec.ID, &sec.CreatedAt, &sec.UpdatedAt)
	})
	if err != nil {
		return nil, wrap("put secret", err)
	}
	return &sec, nil
}

// ListSecrets lists a project's secret names, never their values.
func (s *Store) ListSecrets(ctx context.Context, tenant, project uuid.UUID) ([]Secret, error) {
	return allInTenant(ctx, s, tenant, "list secrets", pgx.RowToStructByPos[Secret], `SELECT id, project_id, name, key_id, created_at, updated_at FROM secrets
			WHERE tenant_id = $1 AND project_id = $2 ORDER BY name`, tenant, project)
}

// SecretValues opens every secret of a project, by name. Call it where the
// values are used (the agent's browser actions) and nowhere else.
func (s *Store) SecretValues(ctx context.Context, tenant, project uuid.UUID) (map[string]string, error) {
	kr, err := s.keyring()
	if err != nil {
		return nil, err
	}
	type row struct {
		Name string
		seal.Sealed
	}
	var rows []row
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		r, err := tx.Query(ctx, `SELECT name, key_id, nonce, ciphertext FROM secrets WHERE tenant_id = $1 AND project_id = $2`, tenant, project)
		if err != nil {
			return err
		}
		rows, err = pgx.CollectRows(r, func(r pgx.CollectableRow) (row, error) {
			var x row
			err := r.Scan(&x.Name, &x.KeyID, &x.Nonce, &x.Ciphertext)
			return x, err
		})
		return err
	})
	if err != nil {
		return nil, wrap("secret values", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		plain, err := kr.Open(r.Sealed, secretAAD(tenant, project, r.Name))
		if err != nil {
			return nil, fmt.Errorf("open secret %q: %w", r.Name, err)
		}
		out[r.Name] = string(plain)
	}
	return out, nil
}

// DeleteSecret removes a secret by name.
func (s *Store) DeleteSecret(ctx context.Context, tenant, project uuid.UUID, name string) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM secrets WHERE tenant_id = $1 AND project_id = $2 AND name = $3`, tenant, project, name)
		return exactlyOne("delete secret", tag, err)
	})
}
