package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/argusqa/argus/store"
)

// personasData is what the personas page shows: the project's personas,
// the secret names a persona may use, and the add-or-replace form.
type personasData struct {
	Personas []store.Persona
	Secrets  []store.Secret
	Form     personaForm
	Flash    string
	// MailDomain is the project's test mailbox domain, for the address
	// hint.
	MailDomain string
}

type personaForm struct {
	Name string
	store.PersonaInput
	Errors map[string]string
}

func (u *UI) showPersonas(w http.ResponseWriter, r *http.Request, v *viewer, p *store.Project, status int, edit func(*personasData)) error {
	d := personasData{Form: personaForm{Errors: map[string]string{}}}
	var err error
	if d.Personas, err = u.app.ListPersonas(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	if d.MailDomain, err = u.app.ProjectMailDomain(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	if v.IsAdmin() {
		if d.Secrets, err = u.app.ListSecrets(r.Context(), v.p, p.ID); err != nil {
			return err
		}
	}
	if edit != nil {
		edit(&d)
	}
	u.render(w, r, status, "personas", page{Title: "Personas · " + p.Name, V: v, Project: p, Nav: "personas", Data: d})
	return nil
}

// personaList is the project's personas page; ?edit=NAME fills the form
// with that persona.
func (u *UI) personaList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	flash := map[string]string{"saved": "Persona saved.", "deleted": "Persona deleted."}[r.URL.Query().Get("done")]
	return u.showPersonas(w, r, v, p, http.StatusOK, func(d *personasData) {
		d.Flash = flash
		for _, pe := range d.Personas {
			if pe.Name == r.URL.Query().Get("edit") {
				d.Form.Name = pe.Name
				d.Form.PersonaInput = store.PersonaInput{DisplayName: pe.DisplayName, Email: pe.Email, Username: pe.Username,
					PasswordSecret: pe.PasswordSecret, TOTPSecret: pe.TOTPSecret, Locale: pe.Locale, Timezone: pe.Timezone, UserAgent: pe.UserAgent}
			}
		}
	})
}

// personaPut adds or replaces a persona from the form.
func (u *UI) personaPut(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := personaForm{Name: val("name"), Errors: map[string]string{}, PersonaInput: store.PersonaInput{
		DisplayName: val("display_name"), Email: val("email"), Username: val("username"), PasswordSecret: val("password_secret"),
		TOTPSecret: val("totp_secret"), Locale: val("locale"), Timezone: val("timezone"), UserAgent: val("user_agent")}}
	_, err = u.app.PutPersona(r.Context(), v.p, p.ID, f.Name, f.PersonaInput)
	if err == nil {
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/personas?done=saved", http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, nil) {
		return err
	}
	return u.showPersonas(w, r, v, p, statusOf(err), func(d *personasData) { d.Form = f })
}

func (u *UI) personaDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if err := u.app.DeletePersona(r.Context(), v.p, p.ID, r.PathValue("name")); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+url.PathEscape(p.ID.String())+"/personas?done=deleted", http.StatusSeeOther)
	return nil
}
