package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TestChange says what SyncTests did with one test.
type TestChange struct {
	Test   Test
	Change string // "created", "updated" or "unchanged"
}

// The values of TestChange.Change.
const (
	TestCreated   = "created"
	TestUpdated   = "updated"
	TestUnchanged = "unchanged"
)

// SyncTests upserts tests into a project by name in one transaction:
// new names are created, changed tests updated, equal ones left alone.
// Either every test is written or, on any error, none is. Tests of the
// project not named in ins are kept. Names must be unique within ins.
func (s *Store) SyncTests(ctx context.Context, tenant, project uuid.UUID, ins []TestInput) ([]TestChange, error) {
	seen := make(map[string]bool, len(ins))
	for i := range ins {
		if err := ins[i].normalise(); err != nil {
			return nil, withOp(fmt.Sprintf("sync tests: test %d", i+1), err)
		}
		if seen[ins[i].Name] {
			return nil, conflict("sync tests", "name", fmt.Sprintf("test name %q is given twice", ins[i].Name))
		}
		seen[ins[i].Name] = true
	}
	out := make([]TestChange, 0, len(ins))
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		// Lock the project row: two syncs of one project run one after
		// the other, so neither creates a name the other just made.
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenant, project).Scan(&one); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+testColumns+` FROM tests WHERE tenant_id = $1 AND project_id = $2`, tenant, project)
		if err != nil {
			return err
		}
		existing, err := pgx.CollectRows(rows, rowsOf(scanTest))
		if err != nil {
			return err
		}
		byName := make(map[string]*Test, len(existing))
		for i := range existing {
			byName[existing[i].Name] = &existing[i]
		}
		for _, in := range ins {
			cur, ok := byName[in.Name]
			switch {
			case !ok:
				t, err := scanTest(tx.QueryRow(ctx, `
					INSERT INTO tests (id, tenant_id, project_id, name, start_url, goal, steps, checkpoints, tags, covers, timeout_seconds, persona, video, role, priority)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING `+testColumns,
					newID(), tenant, project, in.Name, in.StartURL, in.Goal, in.Steps, in.Checkpoints, in.Tags, in.Covers, int(in.Timeout.Seconds()), in.Persona, in.Video, in.Role, in.Priority))
				if err != nil {
					return wrap(fmt.Sprintf("create test %q", in.Name), err)
				}
				out = append(out, TestChange{t, TestCreated})
			case sameTest(cur, &in):
				out = append(out, TestChange{*cur, TestUnchanged})
			default:
				t, err := scanTest(tx.QueryRow(ctx, `
					UPDATE tests SET start_url = $3, goal = $4, steps = $5, checkpoints = $6, tags = $7,
					       covers = $8, timeout_seconds = $9, persona = $10, video = $11, role = $12, priority = $13, updated_at = now()
					WHERE tenant_id = $1 AND id = $2 RETURNING `+testColumns,
					tenant, cur.ID, in.StartURL, in.Goal, in.Steps, in.Checkpoints, in.Tags, in.Covers, int(in.Timeout.Seconds()), in.Persona, in.Video, in.Role, in.Priority))
				if err != nil {
					return wrap(fmt.Sprintf("update test %q", in.Name), err)
				}
				out = append(out, TestChange{t, TestUpdated})
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("sync tests", err)
	}
	return out, nil
}

// sameTest reports whether a stored test already equals a normalised
// input.
func sameTest(cur *Test, in *TestInput) bool {
	return cur.StartURL == in.StartURL && cur.Goal == in.Goal && slices.Equal(cur.Steps, in.Steps) &&
		slices.Equal(cur.Checkpoints, in.Checkpoints) && slices.Equal(cur.Tags, in.Tags) && slices.Equal(cur.Covers, in.Covers) && cur.Persona == in.Persona && cur.Video == in.Video && cur.Role == in.Role && cur.Priority == in.Priority &&
		cur.Timeout.Round(time.Second) == in.Timeout.Round(time.Second)
}
