package server

import "net/http"

// listMembers lists the tenant's people with their roles.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	ms, err := s.store.ListMembers(r.Context(), principal(r).TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]memberView, len(ms))
	for i := range ms {
		out[i] = viewMember(&ms[i])
	}
	writeJSON(w, http.StatusOK, list(out))
}
