package server

import "net/http"

// removeMember ends a person's membership and their sessions in this
// tenant; the last admin cannot be removed.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	user, err := pathID(r, "user_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.RemoveMember(r.Context(), principal(r).TenantID, user); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
