package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/argusqa/argus/store"
)

type loginData struct {
	Email string
	Next  string
	Error string
	Flash string
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	if v, err := u.viewer(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		_ = v
		return
	}
	d := loginData{Next: r.URL.Query().Get("next")}
	if r.URL.Query().Get("reset") == "1" {
		d.Flash = "Your password was changed. Sign in with the new one."
	}
	u.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: d})
}

// login checks the password and starts a session in the person's first
// tenant (by name); the tenant switcher in the header moves the session to
// another one.
func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := r.PostFormValue("next")
	refuse := func(msg string) {
		u.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Data: loginData{Email: email, Next: next, Error: msg}})
	}
	if email == "" || password == "" {
		refuse("Enter your email and password.")
		return
	}
	key := limitKey(r, email)
	if !u.logins.allow(key) {
		w.Header().Set("Retry-After", "900")
		u.render(w, r, http.StatusTooManyRequests, "login", page{Title: "Sign in", Data: loginData{Email: email, Next: next,
			Error: "Too many failed attempts for this account from your address. Wait a quarter of an hour, or reset your password."}})
		return
	}
	user, err := u.store.Authenticate(r.Context(), email, password)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || store.IsAuthError(err) {
			u.logins.fail(key)
			refuse("That email and password do not match an account.")
			return
		}
		u.fail(w, r, nil, err)
		return
	}
	ms, err := u.store.UserMemberships(r.Context(), user.ID)
	if err != nil {
		u.fail(w, r, nil, err)
		return
	}
	if len(ms) == 0 {
		refuse("Your account is not a member of any tenant. Ask an admin to add you.")
		return
	}
	if err := u.startSession(r.Context(), w, user.ID, ms[0].Tenant.ID); err != nil {
		u.fail(w, r, nil, err)
		return
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}
