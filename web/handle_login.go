package web

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/app"
)

type loginData struct {
	Email string
	Next  string
	Error string
	Flash string
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := u.viewer(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
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
// another one. Failed attempts count toward the one sign-in limit the API
// shares.
func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	d := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next")}
	in, err := u.app.SignIn(r.Context(), app.SignInInput{Email: d.Email, Password: r.PostFormValue("password"), ClientIP: clientIP(r)})
	if err != nil {
		e, ok := app.AsError(err)
		if !ok {
			u.fail(w, r, nil, err)
			return
		}
		status, _ := pageOf(e.Code)
		d.Error = map[app.Code]string{
			app.CodeInvalid:         "Enter your email and password.",
			app.CodeUnauthenticated: "That email and password do not match an account.",
		}[e.Code]
		if d.Error == "" {
			d.Error = sentence(e.Detail)
		}
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
		if status == http.StatusBadRequest {
			status = http.StatusUnauthorized
		}
		u.render(w, r, status, "login", page{Title: "Sign in", Data: d})
		return
	}
	http.SetCookie(w, u.app.SessionCookie(in.Session))
	http.Redirect(w, r, safeNext(d.Next), http.StatusSeeOther)
}

// clientIP is the peer address, the client half of the sign-in limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
