package server

import "net/http"

// revokeAPIKey revokes a key at once (in this process; other server
// processes stop accepting it within the key cache's TTL).
func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.RevokeAPIKey(r.Context(), principal(r), pathID(r)))
}
