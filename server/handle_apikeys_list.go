package server

import "net/http"

// listAPIKeys lists the tenant's keys (never their secret part).
func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.store.ListAPIKeys(r.Context(), principal(r).TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiKeyView, len(keys))
	for i := range keys {
		out[i] = viewAPIKey(&keys[i])
	}
	writeJSON(w, http.StatusOK, list(out))
}
