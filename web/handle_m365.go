package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// m365Form is the Microsoft 365 form of the Mail page, as typed, with its
// field errors.
type m365Form struct {
	api.M365Put
	Errors map[string]string
	Error  string
	// SecretPlaceholder says an empty secret keeps the stored one.
	SecretPlaceholder string
}

// m365Put connects the project to a Microsoft 365 mailbox from the form.
func (u *UI) m365Put(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := m365Form{Errors: map[string]string{}, M365Put: api.M365Put{Mode: val("mode"), TenantID: val("tenant_id"), ClientID: val("client_id"),
		ClientSecret: r.PostFormValue("client_secret"), Mailbox: val("mailbox"), PlusAddressing: r.PostFormValue("plus_addressing") == "on"}}
	_, err = u.app.PutM365(r.Context(), v.p, p.ID, f.M365Put)
	if err == nil {
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/mail?m365=saved#m365", http.StatusSeeOther)
		return nil
	}
	e, ok := app.AsError(err)
	if !ok || (e.Code != app.CodeInvalid && e.Code != app.CodeRefused) {
		return err
	}
	fieldErrors(err, f.Errors, nil)
	f.Error = e.Detail
	f.ClientSecret = "" // never echoed back
	return u.showMailStatus(w, r, v, "", http.StatusBadRequest, &f)
}

// m365SignIn sends the admin to Microsoft to sign in (delegated access).
func (u *UI) m365SignIn(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	in, err := u.app.M365SignIn(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, in.URL, http.StatusSeeOther)
	return nil
}

// m365Delete disconnects the project's Microsoft 365 mailbox.
func (u *UI) m365Delete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if err := u.app.DeleteM365(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+p.ID.String()+"/mail?m365=disconnected#m365", http.StatusSeeOther)
	return nil
}

// m365Callback is where Microsoft sends the person back after a delegated
// sign-in: the code becomes a sealed refresh token.
func (u *UI) m365Callback(w http.ResponseWriter, r *http.Request, v *viewer) error {
	// The code and state are in the URL: keep them out of Referer headers.
	w.Header().Set("Referrer-Policy", "no-referrer")
	next, err := u.app.M365Callback(r.Context(), v.p, r.URL.Query())
	if err != nil {
		return err
	}
	http.Redirect(w, r, next+"?m365=signed-in#m365", http.StatusSeeOther)
	return nil
}
