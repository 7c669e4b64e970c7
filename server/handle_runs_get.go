package server

import "net/http"

// getRun returns a run with its agents.
func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	run, err := s.store.GetRun(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agents, err := s.store.ListAgents(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.viewRun(run, agents))
}
