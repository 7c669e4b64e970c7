package web

import (
	"net/http"
	"net/url"
	"strings"
)

// secretPut adds or replaces a secret. Values are write-only: the form's
// value field is never filled in, and the page lists names only.
func (u *UI) secretPut(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := secretForm{Name: strings.TrimSpace(r.PostFormValue("name")), Errors: map[string]string{}}
	err = u.app.PutSecret(r.Context(), v.p, p.ID, f.Name, r.PostFormValue("value"))
	if err == nil {
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=secret#secrets", http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, nil) {
		return err
	}
	return u.showSettings(w, r, v, p, statusOf(err), func(d *settingsData) { d.Secret = f })
}

func (u *UI) secretDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if err := u.app.DeleteSecret(r.Context(), v.p, p.ID, r.PathValue("name")); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+url.PathEscape(p.ID.String())+"/settings?done=deleted#secrets", http.StatusSeeOther)
	return nil
}
