package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
)

// requestPasswordReset mails a one-day reset link when the email has an
// account. It answers 202 either way, so it does not tell who has one.
func (s *Server) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var req api.PasswordReset
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	if _, err := s.app.RequestPasswordReset(r.Context(), req.Email, clientIP(r)); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "if the address has an account, a reset link is on its way"})
	return nil
}

// confirmPasswordReset consumes a reset token and sets the new password;
// the person's sessions end.
func (s *Server) confirmPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var req api.PasswordResetConfirm
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	if err := s.app.ResetPassword(r.Context(), req.Token, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
