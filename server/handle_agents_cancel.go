package server

import "net/http"

// cancelAgent cancels a queued or running agent: its job is cancelled and
// a running agent's browser is gone within seconds. 409 when it already
// finished.
func (s *Server) cancelAgent(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	a, err := s.store.GetAgent(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	finished, err := s.cancelAgentOf(r.Context(), tenant, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if finished {
		s.fail(w, r, problem(http.StatusConflict, "the agent has already finished"))
		return
	}
	if a, err = s.store.GetAgent(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, viewAgent(a))
}
