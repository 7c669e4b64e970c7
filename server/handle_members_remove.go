package server

import "net/http"

// removeMember ends a person's membership and their sessions in this
// tenant; the last admin cannot be removed.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.RemoveMember(r.Context(), principal(r), pathUUID(r, "user_id")))
}
