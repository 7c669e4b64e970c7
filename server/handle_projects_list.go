package server

import "net/http"

// listProjects lists the tenant's projects by name.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.ListProjects(r.Context(), principal(r).TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]projectView, len(ps))
	for i := range ps {
		out[i] = viewProject(&ps[i])
	}
	writeJSON(w, http.StatusOK, list(out))
}
