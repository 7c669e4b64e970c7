package server

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/argusqa/argus/store"
)

type memberRequest struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// addMember adds a person to the tenant. A new person gets an account
// with an unusable random password and an invitation mail whose link sets
// their own (a password-reset token, valid one day).
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) {
	var req memberRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	role := store.RoleMember
	if req.Role != "" {
		var err error
		if role, err = store.ParseRole(req.Role); err != nil {
			s.fail(w, r, invalid("unknown role", FieldError{"role", `must be "admin" or "member"`}))
			return
		}
	}
	p := principal(r)
	ctx := r.Context()
	u, err := s.store.FindUserByEmail(ctx, req.Email)
	invite := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		if u, err = s.store.CreateUser(ctx, req.Email, req.Name, rand.Text()+rand.Text()[:8]); err != nil {
			s.fail(w, r, emailProblem(err))
			return
		}
		invite = true
	case errors.Is(err, store.ErrInvalid):
		s.fail(w, r, emailProblem(err))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if err := s.store.AddMember(ctx, p.TenantID, u.ID, role); err != nil {
		if errors.Is(err, store.ErrConflict) {
			err = problem(http.StatusConflict, "this person is already a member")
		}
		s.fail(w, r, err)
		return
	}
	if invite {
		s.sendInvite(r, u)
	}
	writeJSON(w, http.StatusCreated, memberView{UserID: u.ID, Email: u.Email, Name: u.Name, Role: string(role), CreatedAt: time.Now().UTC()})
}

func emailProblem(err error) error {
	if errors.Is(err, store.ErrInvalid) {
		return invalid("bad email", FieldError{"email", storeDetail(err)})
	}
	return err
}

func (s *Server) sendInvite(r *http.Request, u *store.User) {
	tok, err := s.store.CreateResetToken(r.Context(), u.ID)
	if err != nil {
		s.log.Error("invitation token not made", "error", err)
		return
	}
	t, err := s.store.GetTenant(r.Context(), principal(r).TenantID)
	if err != nil {
		s.log.Error("invitation: tenant", "error", err)
		return
	}
	err = s.cfg.Mailer.Send(r.Context(), Mail{
		To:      u.Email,
		Subject: "You are invited to " + t.Name + " on Argus",
		Body: "You have been added to " + t.Name + " on Argus.\n\nChoose your password here (the link works once, for one day):\n\n" +
			s.cfg.PublicURL + "/reset-password?token=" + url.QueryEscape(tok) + "\n",
	})
	if err != nil {
		s.log.Error("invitation mail not sent", "error", err)
	}
}
