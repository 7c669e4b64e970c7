package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// logout ends the session of the presented cookie, if any, and clears the
// cookie. It is public so a stale cookie can always be cleared.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(app.SessionCookie); err == nil {
		if err := s.app.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.app.ClearSessionCookie())
	w.WriteHeader(http.StatusNoContent)
	return nil
}
