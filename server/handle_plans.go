package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// listPlans lists a project's plans.
func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.ListPlans(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(list, app.PlanView)))
	return nil
}

// createPlanRun starts a run of a plan: the nodes that need nothing are
// queued now, the others as their needs pass.
func (s *Server) createPlanRun(w http.ResponseWriter, r *http.Request) error {
	var req api.PlanRunCreate
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	started, err := s.app.StartPlanRun(r.Context(), principal(r), app.PlanRunRequest{Plan: pathID(r), CommitSHA: req.CommitSHA, Branch: req.Branch})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/runs/"+started.Run.ID.String()+"/plan")
	writeJSON(w, http.StatusCreated, s.app.RunView(started.Run, started.Agents))
	return nil
}

// getPlanRun returns a plan's run node by node.
func (s *Server) getPlanRun(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.app.GetPlanRun(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.app.PlanRunView(pr))
	return nil
}
