package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

type runRequest struct {
	TestIDs   []string `json:"test_ids"`
	Tags      []string `json:"tags"`
	Names     []string `json:"names"`
	CommitSHA string   `json:"commit_sha"`
	Branch    string   `json:"branch"`
}

// Limits of a run request.
const (
	maxIdempotencyKey = 255
	maxRunSelectors   = 1000
)

// createRun starts a run of the project's tests chosen by id, tag or name
// (all of its tests when none is given): one agent per test, each queued as
// a job in the same transaction. A retried request with the same
// Idempotency-Key and body gets the first run back (200); the same key with
// another body is a conflict (409).
func (s *Server) createRun(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req runRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	idem := r.Header.Get("Idempotency-Key")
	if err := req.check(idem); err != nil {
		s.fail(w, r, err)
		return
	}
	p := principal(r)
	if _, err := s.store.GetProject(r.Context(), p.TenantID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	tests, err := s.resolveTests(r, id, &req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := store.RunInput{ProjectID: id, Trigger: store.TriggerAPI, CommitSHA: req.CommitSHA, Branch: req.Branch,
		TestIDs: tests, IdempotencyKey: idem}
	switch {
	case p.UserID != nil:
		in.Trigger, in.CreatedByUser = store.TriggerUI, p.UserID
	case req.CommitSHA != "" || req.Branch != "":
		in.Trigger, in.CreatedByKey = store.TriggerCI, p.KeyID
	default:
		in.CreatedByKey = p.KeyID
	}
	if idem != "" {
		in.RequestHash = requestHash(id, &req)
	}
	run, agents, existing, err := s.store.CreateRun(r.Context(), p.TenantID, in, s.cfg.Scheduler.Enqueue)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if existing {
		status = http.StatusOK
		if agents, err = s.store.ListAgents(r.Context(), p.TenantID, run.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Location", "/api/v1/runs/"+run.ID.String())
	writeJSON(w, status, s.viewRun(run, agents))
}

func (req *runRequest) check(idem string) error {
	var fields []FieldError
	if len(idem) > maxIdempotencyKey || strings.IndexFunc(idem, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
		fields = append(fields, FieldError{"Idempotency-Key", fmt.Sprintf("at most %d printable ASCII characters", maxIdempotencyKey)})
	}
	if len(req.TestIDs)+len(req.Tags)+len(req.Names) > maxRunSelectors {
		fields = append(fields, FieldError{"test_ids", fmt.Sprintf("at most %d ids, tags and names together", maxRunSelectors)})
	}
	for i, s := range req.TestIDs {
		if _, err := uuid.Parse(s); err != nil {
			fields = append(fields, FieldError{fmt.Sprintf("test_ids[%d]", i), "not an id"})
		}
	}
	for i, t := range req.Tags {
		if strings.TrimSpace(t) == "" {
			fields = append(fields, FieldError{fmt.Sprintf("tags[%d]", i), "must not be empty"})
		}
	}
	if len(req.CommitSHA) > 64 {
		fields = append(fields, FieldError{"commit_sha", "at most 64 characters"})
	}
	if len(req.Branch) > 255 {
		fields = append(fields, FieldError{"branch", "at most 255 characters"})
	}
	if len(fields) > 0 {
		return invalid("cannot start this run", fields...)
	}
	return nil
}

// resolveTests turns the request's ids, tags and names into the project's
// tests, in a stable order, each once. Every id and name must exist in the
// project; a tag may match nothing as long as something is run.
func (s *Server) resolveTests(r *http.Request, project uuid.UUID, req *runRequest) ([]uuid.UUID, error) {
	tenant := principal(r).TenantID
	all, err := s.allTests(r.Context(), tenant, store.TestFilter{ProjectID: &project})
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]*store.Test, len(all))
	byName := make(map[string]*store.Test, len(all))
	for i := range all {
		byID[all[i].ID] = &all[i]
		byName[all[i].Name] = &all[i]
	}
	chosen := map[uuid.UUID]bool{}
	var fields []FieldError
	for i, raw := range req.TestIDs {
		id := uuid.MustParse(raw) // checked by check
		if byID[id] == nil {
			fields = append(fields, FieldError{fmt.Sprintf("test_ids[%d]", i), "no such test in this project"})
			continue
		}
		chosen[id] = true
	}
	for i, n := range req.Names {
		t := byName[n]
		if t == nil {
			fields = append(fields, FieldError{fmt.Sprintf("names[%d]", i), "no test of this name in this project"})
			continue
		}
		chosen[t.ID] = true
	}
	for _, tag := range req.Tags {
		tag = strings.ToLower(strings.TrimSpace(tag))
		for i := range all {
			if slices.Contains(all[i].Tags, tag) {
				chosen[all[i].ID] = true
			}
		}
	}
	if len(fields) > 0 {
		return nil, invalid("some tests do not exist", fields...)
	}
	if len(req.TestIDs)+len(req.Names)+len(req.Tags) == 0 {
		for i := range all {
			chosen[all[i].ID] = true
		}
	}
	if len(chosen) == 0 {
		return nil, invalid("no test matches; nothing to run", FieldError{"tags", "no test of this project has these tags"})
	}
	// The store lists newest first; run in the order tests were written.
	out := make([]uuid.UUID, 0, len(chosen))
	for i := len(all) - 1; i >= 0; i-- {
		if chosen[all[i].ID] {
			out = append(out, all[i].ID)
		}
	}
	return out, nil
}

// requestHash identifies a run request's content for Idempotency-Key: the
// project and the decoded body re-encoded, so spacing and field order do
// not matter.
func requestHash(project uuid.UUID, req *runRequest) string {
	b, _ := json.Marshal(struct {
		Project uuid.UUID `json:"p"`
		*runRequest
	}{project, req})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
