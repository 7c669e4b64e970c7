package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Test is one test of a project: a goal in plain language, optional
// explicit steps, and the checkpoints that must be observed for a pass.
type Test struct {
	ID          uuid.UUID
	TenantID    uuid.UUID
	ProjectID   uuid.UUID
	Name        string
	StartURL    string
	Goal        string
	Steps       []string
	Checkpoints []string
	Tags        []string
	// Covers are the test's covers: globs (suite.MatchCover syntax).
	Covers  []string
	Timeout time.Duration
	// Persona names the project's persona the test runs as; "" for none.
	Persona string
	// Video is the test's video mode (on, on-failure, off); "" follows
	// the project's.
	Video string
	// Role names the prompt role the model works in; "" for none.
	Role string
	// Priority is 1 (lowest) to 5 (highest), DefaultPriority unless set.
	Priority  int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TestInput is the editable part of a test.
type TestInput struct {
	Name        string
	StartURL    string
	Goal        string
	Steps       []string
	Checkpoints []string
	Tags        []string
	Covers      []string
	Timeout     time.Duration // default 10 minutes
	Persona     string        // a persona's name, resolved when an agent starts
	Video       string        // on, on-failure, off, or "" for the project's
	Role        string        // a prompt role's name, resolved when an agent starts
	// Priority is 1 (lowest) to 5 (highest); 0 means DefaultPriority. A
	// schedule's budget weighs a test's staleness by it.
	Priority int
}

// Priorities of a test: a schedule's budget multiplies its staleness by
// priority / DefaultPriority.
const (
	MinPriority     = 1
	MaxPriority     = 5
	DefaultPriority = 3
)

// DefaultTestTimeout bounds one agent run of a test unless it says
// otherwise.
const DefaultTestTimeout = 10 * time.Minute

func (in *TestInput) normalise() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Goal = strings.TrimSpace(in.Goal)
	if in.Name == "" || len(in.Name) > 200 {
		return invalidf("", "name", "name must be 1 to 200 characters")
	}
	if in.Goal == "" && len(in.Steps) == 0 {
		return invalidf("", "goal", "a test needs a goal or steps")
	}
	if in.Timeout == 0 {
		in.Timeout = DefaultTestTimeout
	}
	if in.Priority == 0 {
		in.Priority = DefaultPriority
	}
	if in.Priority < MinPriority || in.Priority > MaxPriority {
		return invalidf("", "priority", "priority must be %d to %d", MinPriority, MaxPriority)
	}
	if in.Timeout < time.Second || in.Timeout > 24*time.Hour {
		return invalidf("", "timeout_seconds", "timeout must be between 1s and 24h")
	}
	for _, list := range []*[]string{&in.Steps, &in.Checkpoints, &in.Tags, &in.Covers} {
		if *list == nil {
			*list = []string{}
		}
	}
	switch in.Video {
	case "", "on", "off", "on-failure":
	default:
		return invalidf("", "video", "video must be on, on-failure or off, not %q", in.Video)
	}
	for i, tag := range in.Tags {
		in.Tags[i] = strings.ToLower(strings.TrimSpace(tag))
		if in.Tags[i] == "" {
			return invalidf("", "tags", "tags must not be empty")
		}
	}
	return nil
}

const testColumns = `id, tenant_id, project_id, name, start_url, goal, steps, checkpoints, tags, covers, timeout_seconds, created_at, updated_at, persona, video, role, priority`

func scanTest(r pgx.Row) (Test, error) {
	var t Test
	var steps, checkpoints []byte
	var timeout int
	err := r.Scan(&t.ID, &t.TenantID, &t.ProjectID, &t.Name, &t.StartURL, &t.Goal, &steps, &checkpoints, &t.Tags, &t.Covers, &timeout, &t.CreatedAt, &t.UpdatedAt, &t.Persona, &t.Video, &t.Role, &t.Priority)
	if err != nil {
		return t, err
	}
	t.Timeout = time.Duration(timeout) * time.Second
	if err := json.Unmarshal(steps, &t.Steps); err != nil {
		return t, err
	}
	return t, json.Unmarshal(checkpoints, &t.Checkpoints)
}

// CreateTest adds a test to one of tenant's projects.
func (s *Store) CreateTest(ctx context.Context, tenant, project uuid.UUID, in TestInput) (*Test, error) {
	if err := in.normalise(); err != nil {
		return nil, withOp("create test", err)
	}
	return oneInTenant(ctx, s, tenant, "create test", scanTest, `
			INSERT INTO tests (id, tenant_id, project_id, name, start_url, goal, steps, checkpoints, tags, covers, timeout_seconds, persona, video, role, priority)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING `+testColumns,
		newID(), tenant, project, in.Name, in.StartURL, in.Goal, in.Steps, in.Checkpoints, in.Tags, in.Covers, int(in.Timeout.Seconds()), in.Persona, in.Video, in.Role, in.Priority)
}

// GetTest returns one of tenant's tests.
func (s *Store) GetTest(ctx context.Context, tenant, id uuid.UUID) (*Test, error) {
	return oneInTenant(ctx, s, tenant, "get test", scanTest, `SELECT `+testColumns+` FROM tests WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// UpdateTest replaces the editable fields of a test.
func (s *Store) UpdateTest(ctx context.Context, tenant, id uuid.UUID, in TestInput) (*Test, error) {
	if err := in.normalise(); err != nil {
		return nil, withOp("update test", err)
	}
	return oneInTenant(ctx, s, tenant, "update test", scanTest, `
			UPDATE tests SET name = $3, start_url = $4, goal = $5, steps = $6, checkpoints = $7, tags = $8,
			       covers = $9, timeout_seconds = $10, persona = $11, video = $12, role = $13, priority = $14, updated_at = now()
			WHERE tenant_id = $1 AND id = $2 RETURNING `+testColumns,
		tenant, id, in.Name, in.StartURL, in.Goal, in.Steps, in.Checkpoints, in.Tags, in.Covers, int(in.Timeout.Seconds()), in.Persona, in.Video, in.Role, in.Priority)
}

// DeleteTest deletes a test. Its past agents keep the test's name.
func (s *Store) DeleteTest(ctx context.Context, tenant, id uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM tests WHERE tenant_id = $1 AND id = $2`, tenant, id)
		return exactlyOne("delete test", tag, err)
	})
}

// TestFilter selects tests in ListTests.
type TestFilter struct {
	ProjectID *uuid.UUID
	// Search matches name and goal by substring, case-insensitively, using
	// the trigram index.
	Search string
	// Tags keeps tests that carry all of these tags.
	Tags  []string
	After *Cursor
	Limit int // default 50, at most 200
}

// ListTests lists tenant's tests, newest first, one page at a time. The
// returned cursor is nil on the last page.
func (s *Store) ListTests(ctx context.Context, tenant uuid.UUID, f TestFilter) ([]Test, *Cursor, error) {
	limit := pageSize(f.Limit)
	at, aid := cursorArgs(f.After)
	var pattern *string
	if q := strings.TrimSpace(f.Search); q != "" {
		p := "%" + escapeLike(q) + "%"
		pattern = &p
	}
	tags := f.Tags
	if tags == nil {
		tags = []string{}
	}
	var out []Test
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+testColumns+` FROM tests
			WHERE tenant_id = $1
			  AND ($2::uuid IS NULL OR project_id = $2)
			  AND ($3::text IS NULL OR search ILIKE $3)
			  AND tags @> $4
			  AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::uuid))
			ORDER BY created_at DESC, id DESC
			LIMIT $7`, tenant, f.ProjectID, pattern, tags, at, aid, limit+1)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, rowsOf(scanTest))
		return err
	})
	if err != nil {
		return nil, nil, wrap("list tests", err)
	}
	return pageOf(out, limit, func(t Test) Cursor { return Cursor{t.CreatedAt, t.ID} })
}

func pageOf[T any](rows []T, limit int, cursor func(T) Cursor) ([]T, *Cursor, error) {
	if len(rows) <= limit {
		return rows, nil, nil
	}
	rows = rows[:limit]
	c := cursor(rows[limit-1])
	return rows, &c, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
