package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
)

type forgotData struct {
	Email  string
	Sent   bool
	NoMail bool
	Error  string
}

func (u *UI) forgotPage(w http.ResponseWriter, r *http.Request) {
	u.render(w, r, http.StatusOK, "forgot", page{Title: "Reset your password", Data: forgotData{NoMail: u.app.ResetDelivery() == app.ResetUnavailable}})
}

// forgot asks for a reset link for the address. The answer is the same
// whether or not the address has an account, so the page does not reveal
// who has one; without mail the page says to ask an admin instead.
func (u *UI) forgot(w http.ResponseWriter, r *http.Request) {
	d := forgotData{Email: strings.TrimSpace(r.PostFormValue("email")), NoMail: u.app.ResetDelivery() == app.ResetUnavailable}
	if d.NoMail {
		u.render(w, r, http.StatusOK, "forgot", page{Title: "Reset your password", Data: d})
		return
	}
	if _, err := u.app.RequestPasswordReset(r.Context(), d.Email, clientIP(r)); err != nil {
		e, ok := app.AsError(err)
		if !ok {
			u.fail(w, r, nil, err)
			return
		}
		status, _ := pageOf(e.Code)
		d.Error = sentence(e.Detail)
		if e.Code == app.CodeInvalid {
			d.Error = "Enter the email address of your account."
		}
		u.render(w, r, status, "forgot", page{Title: "Reset your password", Data: d})
		return
	}
	d.Sent = true
	u.render(w, r, http.StatusOK, "forgot", page{Title: "Reset your password", Data: d})
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
	d := resetData{Token: r.PostFormValue("token")}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		d.Error = "The two passwords differ."
	} else if err := u.app.ResetPassword(r.Context(), d.Token, pw); err != nil {
		e, ok := app.AsError(err)
		if !ok {
			u.fail(w, r, nil, err)
			return
		}
		d.Error = sentence(e.Detail)
		if msg := e.Field("password"); msg != "" {
			d.Error = "The password " + msg + "."
		}
	} else {
		http.Redirect(w, r, "/login?reset=1", http.StatusSeeOther)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	u.render(w, r, http.StatusBadRequest, "reset", page{Title: "Choose a new password", Data: d})
}
