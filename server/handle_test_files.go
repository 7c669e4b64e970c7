package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

type testFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

type testFilesRequest struct {
	Files []testFile `json:"files"`
}

type testChange struct {
	ID     uuid.UUID `json:"id"`
	Name   string    `json:"name"`
	Change string    `json:"change"` // created | updated | unchanged
}

// maxTestFiles bounds one sync request.
const maxTestFiles = 1000

// syncTestFiles parses test files (the YAML format of docs/test-files.md)
// and upserts their tests into the project by name. Nothing is written
// unless every file parses; each problem is reported with its file:line.
func (s *Server) syncTestFiles(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req testFilesRequest
	if err := decode(w, r, s.cfg.MaxUploadBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(req.Files) == 0 || len(req.Files) > maxTestFiles {
		s.fail(w, r, invalid("send 1 to 1000 files", FieldError{"files", fmt.Sprintf("must hold 1 to %d files", maxTestFiles)}))
		return
	}
	tenant := principal(r).TenantID
	if _, err := s.store.GetProject(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}

	var parsed []*suite.Test
	var fields []FieldError
	seen := map[string]string{}
	for i, f := range req.Files {
		if f.Path == "" {
			fields = append(fields, FieldError{fmt.Sprintf("files[%d].path", i), "required"})
			continue
		}
		tests, err := suite.Parse(f.Path, []byte(f.Content))
		var list suite.ErrorList
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				fields = append(fields, FieldError{fmt.Sprintf("files[%d]", i), e.Error()})
			}
			continue
		case err != nil:
			fields = append(fields, FieldError{fmt.Sprintf("files[%d]", i), err.Error()})
			continue
		}
		for _, t := range tests {
			if prev, dup := seen[t.Name]; dup {
				fields = append(fields, FieldError{fmt.Sprintf("files[%d]", i), fmt.Sprintf("%s: test name %q is also used at %s", t.Pos, t.Name, prev)})
				continue
			}
			seen[t.Name] = t.Pos.String()
			parsed = append(parsed, t)
		}
	}
	if len(fields) > 0 {
		s.fail(w, r, invalid("the test files have problems; nothing was changed", fields...))
		return
	}

	existing, err := s.allTests(r.Context(), tenant, store.TestFilter{ProjectID: &id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byName := make(map[string]*store.Test, len(existing))
	for i := range existing {
		byName[existing[i].Name] = &existing[i]
	}
	out := make([]testChange, 0, len(parsed))
	for _, t := range parsed {
		in := fileTestInput(t)
		cur, ok := byName[t.Name]
		switch {
		case !ok:
			made, err := s.store.CreateTest(r.Context(), tenant, id, in)
			if err != nil {
				s.fail(w, r, fmt.Errorf("%s: %w", t.Pos, err))
				return
			}
			out = append(out, testChange{made.ID, made.Name, "created"})
		case sameTest(cur, in):
			out = append(out, testChange{cur.ID, cur.Name, "unchanged"})
		default:
			upd, err := s.store.UpdateTest(r.Context(), tenant, cur.ID, in)
			if err != nil {
				s.fail(w, r, fmt.Errorf("%s: %w", t.Pos, err))
				return
			}
			out = append(out, testChange{upd.ID, upd.Name, "updated"})
		}
	}
	writeJSON(w, http.StatusOK, map[string][]testChange{"tests": out})
}

func fileTestInput(t *suite.Test) store.TestInput {
	steps := make([]string, len(t.Steps))
	for i, st := range t.Steps {
		steps[i] = st.String()
	}
	return store.TestInput{Name: t.Name, StartURL: t.URL, Goal: t.Goal, Steps: steps,
		Checkpoints: t.Checkpoints, Tags: t.Tags, Timeout: t.Timeout}
}

// sameTest compares a stored test with an input the way the store would
// normalise it (lower-case tags, default timeout).
func sameTest(cur *store.Test, in store.TestInput) bool {
	timeout := in.Timeout
	if timeout == 0 {
		timeout = store.DefaultTestTimeout
	}
	tags := make([]string, len(in.Tags))
	for i, t := range in.Tags {
		tags[i] = strings.ToLower(strings.TrimSpace(t))
	}
	return cur.StartURL == in.StartURL && cur.Goal == in.Goal && slices.Equal(nonNil(cur.Steps), nonNil(in.Steps)) &&
		slices.Equal(nonNil(cur.Checkpoints), nonNil(in.Checkpoints)) && slices.Equal(nonNil(cur.Tags), tags) &&
		cur.Timeout.Round(time.Second) == timeout.Round(time.Second)
}
