package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/argusqa/argus/store"
)

type passwordResetRequest struct {
	Email string `json:"email"`
}

// requestPasswordReset mails a one-day reset link when the email has an
// account. It answers 202 either way, so it does not tell who has one.
func (s *Server) requestPasswordReset(w http.ResponseWriter, r *http.Request) {
	var req passwordResetRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if strings.TrimSpace(req.Email) == "" {
		s.fail(w, r, invalid("email is required", FieldError{"email", "required"}))
		return
	}
	if ok, retry := s.logins.allow(limitKey(r, "reset:"+req.Email)); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
		s.fail(w, r, problem(http.StatusTooManyRequests, "too many reset requests for this account from this address; try again later"))
		return
	}
	accepted := func() {
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "if the address has an account, a reset link is on its way"})
	}
	u, err := s.store.FindUserByEmail(r.Context(), req.Email)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		accepted()
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	tok, err := s.store.CreateResetToken(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	link := s.cfg.PublicURL + "/reset-password?token=" + url.QueryEscape(tok)
	err = s.cfg.Mailer.Send(r.Context(), Mail{
		To:      u.Email,
		Subject: "Reset your Argus password",
		Body: "Someone, hopefully you, asked to reset the password of your Argus account.\n\n" +
			"Choose a new password here (the link works once, for one day):\n\n" + link + "\n\n" +
			"If you did not ask for this, ignore this mail; your password stays as it is.\n",
	})
	if err != nil {
		// The answer must not differ from an unknown address; the
		// operator learns from the log.
		s.log.Error("password reset mail not sent", "error", err)
	}
	accepted()
}

type passwordResetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// confirmPasswordReset consumes a reset token and sets the new password;
// the person's sessions end.
func (s *Server) confirmPasswordReset(w http.ResponseWriter, r *http.Request) {
	var req passwordResetConfirm
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	var fields []FieldError
	if req.Token == "" {
		fields = append(fields, FieldError{"token", "required"})
	}
	if n := len(req.Password); n < store.MinPasswordLength || n > store.MaxPasswordLength {
		fields = append(fields, FieldError{"password", fmt.Sprintf("must be %d to %d bytes long", store.MinPasswordLength, store.MaxPasswordLength)})
	}
	if len(fields) > 0 {
		s.fail(w, r, invalid("cannot reset the password", fields...))
		return
	}
	_, err := s.store.ResetPassword(r.Context(), req.Token, req.Password)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrExpired):
		s.fail(w, r, invalid("this reset link is unknown, expired or already used; ask for a new one", FieldError{"token", "unknown, expired or already used"}))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
