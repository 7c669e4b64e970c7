package server

import "net/http"

// listSteps lists an agent's steps, by attempt and index.
func (s *Server) listSteps(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant := principal(r).TenantID
	if _, err := s.store.GetAgent(r.Context(), tenant, id); err != nil {
		s.fail(w, r, err)
		return
	}
	steps, err := s.store.ListSteps(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]stepView, len(steps))
	for i := range steps {
		out[i] = s.viewStep(&steps[i])
	}
	writeJSON(w, http.StatusOK, list(out))
}
