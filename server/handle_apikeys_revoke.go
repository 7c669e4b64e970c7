package server

import "net/http"

// revokeAPIKey revokes a key at once (in this process; other server
// processes stop accepting it within APIKeyCacheTTL).
func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.RevokeAPIKey(r.Context(), principal(r).TenantID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.keys.forget(id)
	w.WriteHeader(http.StatusNoContent)
}
