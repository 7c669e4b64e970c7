package server

import "net/http"

// deleteSecret removes a secret.
func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.DeleteSecret(r.Context(), principal(r).TenantID, id, r.PathValue("name")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
