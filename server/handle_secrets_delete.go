package server

import "net/http"

// deleteSecret removes a secret; an unknown name is a 404.
func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteSecret(r.Context(), principal(r), pathID(r), r.PathValue("name")))
}
