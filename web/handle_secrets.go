package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/argusqa/argus/store"
)

// secretPut adds or replaces a secret. Values are write-only: the form's
// value field is never filled in, and the page lists names only.
func (u *UI) secretPut(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := secretForm{Name: strings.TrimSpace(r.PostFormValue("name")), Errors: map[string]string{}}
	value := r.PostFormValue("value")
	if !store.SecretNamePattern.MatchString(f.Name) {
		f.Errors["name"] = "Start with a letter or _, then letters, digits, _ . or - (at most 64). Tests use it as {{secret.NAME}}."
	}
	switch {
	case value == "":
		f.Errors["value"] = "Enter the value."
	case len(value) > store.MaxSecretBytes:
		f.Errors["value"] = "A secret may be at most 8 KiB."
	}
	if len(f.Errors) == 0 {
		_, err := u.store.PutSecret(r.Context(), v.TenantID, p.ID, f.Name, value)
		switch {
		case err == nil:
			http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=secret#secrets", http.StatusSeeOther)
			return nil
		case errors.Is(err, store.ErrInvalid):
			f.Errors["name"] = err.Error()
		default:
			return err
		}
	}
	return u.showSettings(w, r, v, p, http.StatusBadRequest, func(d *settingsData) { d.Secret = f })
}

func (u *UI) secretDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if err := u.store.DeleteSecret(r.Context(), v.TenantID, p.ID, r.PathValue("name")); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+url.PathEscape(p.ID.String())+"/settings?done=deleted#secrets", http.StatusSeeOther)
	return nil
}
