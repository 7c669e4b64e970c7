package server

import "net/http"

// agentEvents streams one agent's progress as Server-Sent Events: `step`
// and `agent` events, `end` once the agent finished.
func (s *Server) agentEvents(w http.ResponseWriter, r *http.Request) {
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
	s.serveStream(w, r, tenant, a.RunID, a.ID)
}
