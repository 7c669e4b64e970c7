package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/argusqa/argus/store"
)

// ResetDelivery says what became of a reset link.
type ResetDelivery int

// How a reset link is delivered.
const (
	// ResetMailed: the link went out by mail (if the address has an
	// account; the answer never says).
	ResetMailed ResetDelivery = iota + 1
	// ResetLogged: development mode without mail; the link is in the log.
	ResetLogged
	// ResetUnavailable: no mail server, so no link was made; the person
	// must ask an admin for one.
	ResetUnavailable
)

// ResetDelivery tells a front end, before a request, how links would go
// out, so it can say so on the form.
func (a *App) ResetDelivery() ResetDelivery {
	switch {
	case a.cfg.Mailer != nil:
		return ResetMailed
	case a.cfg.Development:
		return ResetLogged
	}
	return ResetUnavailable
}

// RequestPasswordReset makes a one-day reset link for a known address and
// mails it (in development mode without mail: logs it; with neither, it
// refuses with CodeUnavailable). The answer is the same whether or not the address has an
// account. Every request counts toward the attempt limit, since each
// mails the person.
func (a *App) RequestPasswordReset(ctx context.Context, email, clientIP string) (ResetDelivery, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return 0, invalid("email is required", FieldError{"email", "required"})
	}
	how := a.ResetDelivery()
	if how == ResetUnavailable {
		return how, &Error{Code: CodeUnavailable, Detail: "this server sends no mail (ARGUS_SMTP_URL is not set), so it cannot send reset links; ask an admin of your tenant for one"}
	}
	key := limitKey("reset", clientIP, email)
	if ok, retry := a.logins.check(key); !ok {
		return 0, tooMany("too many reset requests for this address; try again later", retry)
	}
	a.logins.count(key)
	u, err := a.store.FindUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return how, nil
	} else if err != nil {
		return 0, err
	}
	tok, err := a.store.CreateResetToken(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	link := a.resetLink(tok)
	if a.cfg.Mailer == nil {
		// Development only: the link is a credential, never logged otherwise.
		a.log.Info("password reset link (development mode: not mailed)", "email", u.Email, "link", link)
		return how, nil
	}
	err = a.cfg.Mailer.Send(ctx, Mail{
		To:      u.Email,
		Subject: "Reset your Argus password",
		Body: "Someone, hopefully you, asked to reset the password of your Argus account.\n\n" +
			"Choose a new password here (the link works once, for one day):\n\n" + link + "\n\n" +
			"If you did not ask for this, ignore this mail; your password stays as it is.\n",
	})
	if err != nil {
		// The answer must not differ from an unknown address; the
		// operator learns from the log.
		a.log.Error("password reset mail not sent", "error", err)
	}
	return how, nil
}

// ResetPassword consumes a reset token and sets the new password; the
// person's sessions end.
func (a *App) ResetPassword(ctx context.Context, token, password string) error {
	var fields []FieldError
	if token == "" {
		fields = append(fields, FieldError{"token", "required"})
	}
	if n := len(password); n < store.MinPasswordLength || n > store.MaxPasswordLength {
		fields = append(fields, FieldError{"password", fmt.Sprintf("must be %d to %d bytes long", store.MinPasswordLength, store.MaxPasswordLength)})
	}
	if len(fields) > 0 {
		return invalid("cannot reset the password", fields...)
	}
	_, err := a.store.ResetPassword(ctx, token, password)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExpired) {
		return invalid("this reset link is unknown, expired or already used; ask for a new one",
			FieldError{"token", "unknown, expired or already used"})
	}
	return err
}

// resetLink is the page where a reset or invitation token is used.
func (a *App) resetLink(token string) string {
	return a.cfg.PublicURL + "/reset-password?token=" + url.QueryEscape(token)
}
