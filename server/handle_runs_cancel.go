package server

import "net/http"

// cancelRun cancels every agent of a run that has not finished.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	if _, err := s.store.GetRun(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	agents, err := s.store.ListAgents(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range agents {
		if _, err := s.cancelAgentOf(r.Context(), tenant, &agents[i]); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	run, err := s.store.GetRun(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if agents, err = s.store.ListAgents(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.viewRun(run, agents))
}
