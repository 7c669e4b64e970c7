package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/argusqa/argus/store"
)

type forgotData struct {
	Email  string
	Sent   bool
	NoMail bool
	Error  string
}

func (u *UI) forgotPage(w http.ResponseWriter, r *http.Request) {
	u.render(w, r, http.StatusOK, "forgot", page{Title: "Reset your password", Data: forgotData{NoMail: u.cfg.Mailer == nil && !u.cfg.Development}})
}

// forgot makes a reset link for a known address and mails it (or, in
// development mode, logs it). The answer is the same whether or not the
// address has an account, so the page does not reveal who has one.
func (u *UI) forgot(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	d := forgotData{Email: email, NoMail: u.cfg.Mailer == nil && !u.cfg.Development}
	if email == "" {
		d.Error = "Enter the email address of your account."
		u.render(w, r, http.StatusBadRequest, "forgot", page{Title: "Reset your password", Data: d})
		return
	}
	if !d.NoMail {
		// Every request counts: each one mails the person.
		key := limitKey(r, "reset:"+email)
		if !u.logins.allow(key) {
			d.Error = "Too many reset requests for this address; wait a quarter of an hour."
			u.render(w, r, http.StatusTooManyRequests, "forgot", page{Title: "Reset your password", Data: d})
			return
		}
		u.logins.fail(key)
		if err := u.sendResetLink(r, email); err != nil {
			u.fail(w, r, nil, err)
			return
		}
	}
	d.Sent = true
	u.render(w, r, http.StatusOK, "forgot", page{Title: "Reset your password", Data: d})
}

func (u *UI) sendResetLink(r *http.Request, email string) error {
	user, err := u.store.FindUserByEmail(r.Context(), email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	tok, err := u.store.CreateResetToken(r.Context(), user.ID)
	if err != nil {
		return err
	}
	link := u.resetLink(tok)
	if u.cfg.Mailer == nil {
		// Development only: the link is a credential, never logged otherwise.
		u.log.Info("password reset link (development mode: not mailed)", "email", user.Email, "link", link)
		return nil
	}
	body := "Someone, hopefully you, asked to reset the password of your Argus account.\n\n" +
		"Open this link within a day to choose a new password:\n\n" + link + "\n\nIf it was not you, ignore this mail."
	if err := u.cfg.Mailer.SendMail(r.Context(), user.Email, "Reset your Argus password", body); err != nil {
		u.log.Error("password reset mail not sent", "error", err)
	}
	return nil
}

// resetLink is the same link the API server mails, so either works.
func (u *UI) resetLink(token string) string {
	return u.cfg.PublicURL + "/reset-password?token=" + url.QueryEscape(token)
}

type resetData struct {
	Token string
	Error string
}

func (u *UI) resetPage(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		http.Redirect(w, r, "/forgot-password", http.StatusSeeOther)
		return
	}
	// The token is in the URL; keep it out of Referer headers of anything
	// this page loads.
	w.Header().Set("Referrer-Policy", "no-referrer")
	u.render(w, r, http.StatusOK, "reset", page{Title: "Choose a new password", Data: resetData{Token: tok}})
}

func (u *UI) reset(w http.ResponseWriter, r *http.Request) {
	tok := r.PostFormValue("token")
	pw := r.PostFormValue("password")
	d := resetData{Token: tok}
	switch {
	case len(pw) < store.MinPasswordLength:
		d.Error = "Use at least 10 characters."
	case len(pw) > store.MaxPasswordLength:
		d.Error = "Use at most 72 bytes."
	case pw != r.PostFormValue("confirm"):
		d.Error = "The two passwords differ."
	}
	if d.Error == "" {
		_, err := u.store.ResetPassword(r.Context(), tok, pw)
		switch {
		case err == nil:
			http.Redirect(w, r, "/login?reset=1", http.StatusSeeOther)
			return
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrExpired):
			d.Error = "This reset link is unknown, expired or already used. Ask for a new one."
		case errors.Is(err, store.ErrInvalid):
			d.Error = "That password is not allowed: " + err.Error()
		default:
			u.fail(w, r, nil, err)
			return
		}
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	u.render(w, r, http.StatusBadRequest, "reset", page{Title: "Choose a new password", Data: d})
}
