package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// selectTests picks the tests a change touches (at most 5 unless limit
// says otherwise), each with its reason, and unless dry_run starts a run
// of them (201 with the run, or 200 when nothing was started).
func (s *Server) selectTests(w http.ResponseWriter, r *http.Request) error {
	var req api.SelectCreate
	if err := decode(w, r, s.cfg.MaxUploadBytes, &req); err != nil {
		return err
	}
	in := app.SelectRequest{Project: pathID(r), Files: req.ChangedFiles, Limit: req.Limit, DryRun: req.DryRun,
		CommitSHA: req.CommitSHA, Branch: req.Branch, IdempotencyKey: r.Header.Get("Idempotency-Key")}
	for _, c := range req.Commits {
		in.Commits = append(in.Commits, app.Commit{SHA: c.SHA, Message: c.Message})
	}
	sel, err := s.app.Select(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	out := api.Selection{Method: sel.Method, Model: sel.Model, Fallback: sel.Fallback, Tests: []api.SelectedTest{}}
	for _, t := range sel.Tests {
		out.Tests = append(out.Tests, api.SelectedTest{ID: t.Test.ID, Name: t.Test.Name, Reason: t.Reason})
	}
	status := http.StatusOK
	if sel.Run != nil {
		run := s.app.RunView(sel.Run.Run, sel.Run.Agents)
		out.Run = &run
		if !sel.Run.Existing {
			status = http.StatusCreated
		}
		w.Header().Set("Location", "/api/v1/runs/"+sel.Run.Run.ID.String())
	}
	writeJSON(w, status, out)
	return nil
}
