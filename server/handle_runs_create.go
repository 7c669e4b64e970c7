package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// createRun starts a run of the project's tests chosen by id, tag or name
// (all of its tests when none is given): one agent per test, each queued as
// a job in the same transaction. A retried request with the same
// Idempotency-Key and selection gets the first run back (200); the same key
// with another selection is a conflict (409).
func (s *Server) createRun(w http.ResponseWriter, r *http.Request) error {
	var req api.RunCreate
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	started, err := s.app.StartRun(r.Context(), principal(r), app.RunRequest{Project: pathID(r), TestIDs: req.TestIDs,
		Names: req.Names, Tags: req.Tags, CommitSHA: req.CommitSHA, Branch: req.Branch,
		IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if started.Existing {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/runs/"+started.Run.ID.String())
	writeJSON(w, status, s.app.RunView(started.Run, started.Agents))
	return nil
}
