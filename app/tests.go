package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// TestListRequest selects a page of a project's tests.
type TestListRequest struct {
	Project uuid.UUID
	// Search matches name and goal by substring (trigram index).
	Search string
	// Tags keeps tests carrying all of them.
	Tags []string
	Page PageRequest
}

// ListTests lists a project's tests, newest first, one page at a time.
func (a *App) ListTests(ctx context.Context, p *Principal, req TestListRequest) ([]store.Test, *store.Cursor, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, req.Project); err != nil {
		return nil, nil, err
	}
	after, limit, err := req.Page.parse()
	if err != nil {
		return nil, nil, err
	}
	return a.store.ListTests(ctx, p.TenantID, store.TestFilter{ProjectID: &req.Project, Search: strings.TrimSpace(req.Search),
		Tags: cleanTags(req.Tags), After: after, Limit: limit})
}

func cleanTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// GetTest returns one test with its project.
func (a *App) GetTest(ctx context.Context, p *Principal, id uuid.UUID) (*store.Test, *store.Project, error) {
	t, err := a.store.GetTest(ctx, p.TenantID, id)
	if err != nil {
		return nil, nil, err
	}
	proj, err := a.store.GetProject(ctx, p.TenantID, t.ProjectID)
	if err != nil {
		return nil, nil, err
	}
	return t, proj, nil
}

// CreateTest adds a test to a project, checked with the rules of the test
// file format (suite.Draft).
func (a *App) CreateTest(ctx context.Context, p *Principal, project uuid.UUID, d suite.Draft) (*store.Test, error) {
	in, err := testInput(d)
	if err != nil {
		return nil, err
	}
	return a.store.CreateTest(ctx, p.TenantID, project, in)
}

// UpdateTest replaces a test's editable fields. A draft without covers
// (nil, as the web form and an API body without the field give it) keeps
// the test's covers: globs, which usually come from its test file.
func (a *App) UpdateTest(ctx context.Context, p *Principal, id uuid.UUID, d suite.Draft) (*store.Test, error) {
	in, err := testInput(d)
	if err != nil {
		return nil, err
	}
	if d.Covers == nil || d.Priority == 0 {
		// Omitted, they keep the test's own (the web form edits neither).
		cur, err := a.store.GetTest(ctx, p.TenantID, id)
		if err != nil {
			return nil, err
		}
		if d.Covers == nil {
			in.Covers = cur.Covers
		}
		if d.Priority == 0 {
			in.Priority = cur.Priority
		}
	}
	return a.store.UpdateTest(ctx, p.TenantID, id, in)
}

// DeleteTest deletes a test; past agents keep its name.
func (a *App) DeleteTest(ctx context.Context, p *Principal, id uuid.UUID) error {
	return a.store.DeleteTest(ctx, p.TenantID, id)
}

// testInput checks a draft and converts it; steps are stored in their
// canonical form.
func testInput(d suite.Draft) (store.TestInput, error) {
	t, probs := d.Check()
	if len(probs) > 0 {
		fields := make([]FieldError, len(probs))
		for i, pr := range probs {
			fields[i] = FieldError{pr.Field, pr.Message}
		}
		return store.TestInput{}, invalid("the test is not valid", fields...)
	}
	return storeInput(t), nil
}

func storeInput(t *suite.Test) store.TestInput {
	steps := make([]string, len(t.Steps))
	for i, st := range t.Steps {
		steps[i] = st.String()
	}
	url := t.URL
	if url == suite.DefaultURL {
		url = "" // the default is not stored, so it can change with the format
	}
	return store.TestInput{Name: t.Name, StartURL: url, Goal: t.Goal, Steps: steps,
		Checkpoints: t.Checkpoints, Tags: t.Tags, Covers: t.Covers, Timeout: t.Timeout, Persona: t.Persona, Video: t.Video, Role: t.Role, Priority: t.Priority}
}

// TestFile is one YAML test file.
type TestFile struct {
	Path, Content string
}

// MaxTestFiles bounds one sync.
const MaxTestFiles = 1000

// SyncTestFiles parses test files with the CLI's parser and upserts their
// tests into the project by name, in one transaction: nothing is written
// unless every file parses and every test is stored. Each problem names its
// file and line.
func (a *App) SyncTestFiles(ctx context.Context, p *Principal, project uuid.UUID, files []TestFile) ([]store.TestChange, error) {
	if len(files) == 0 || len(files) > MaxTestFiles {
		return nil, invalid(fmt.Sprintf("send 1 to %d files", MaxTestFiles), FieldError{"files", fmt.Sprintf("must hold 1 to %d files", MaxTestFiles)})
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	var ins []store.TestInput
	var fields []FieldError
	var all []*suite.Test
	var plans []*suite.Plan
	var roles []*suite.Role
	seen := map[string]string{}
	for i, f := range files {
		field := fmt.Sprintf("files[%d]", i)
		if f.Path == "" {
			fields = append(fields, FieldError{field + ".path", "required"})
			continue
		}
		parsed, err := suite.ParseFile(f.Path, []byte(f.Content))
		var list suite.ErrorList
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				fields = append(fields, FieldError{field, e.Error()})
			}
			continue
		case err != nil:
			fields = append(fields, FieldError{field, err.Error()})
			continue
		}
		tests := parsed.Tests
		all, plans, roles = append(all, tests...), append(plans, parsed.Plans...), append(roles, parsed.Roles...)
		for _, t := range tests {
			if prev, dup := seen[t.Name]; dup {
				fields = append(fields, FieldError{field, fmt.Sprintf("%s: test name %q is also used at %s", t.Pos, t.Name, prev)})
				continue
			}
			seen[t.Name] = t.Pos.String()
			ins = append(ins, storeInput(t))
		}
	}
	more, err := a.checkRoles(ctx, p, project, all, roles)
	if err != nil {
		return nil, err
	}
	if fields = append(fields, more...); len(fields) > 0 {
		return nil, invalid("the test files have problems; nothing was changed", fields...)
	}
	changes, err := a.store.SyncTests(ctx, p.TenantID, project, ins)
	if err != nil {
		return nil, err
	}
	if err := a.syncPlansAndRoles(ctx, p, project, plans, roles); err != nil {
		return nil, err
	}
	return changes, nil
}
