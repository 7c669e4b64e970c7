package web

import (
	"net/http"
	"strings"
)

// rolePut adds one of the project's roles or replaces its prompt, through
// the same app-layer call as PUT /api/v1/projects/{id}/roles/{name}: the
// app layer decides who may (admins) and what is valid; its field
// problems are shown beside the fields with what was typed.
func (u *UI) rolePut(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	// Browsers send a textarea's line breaks as CRLF; the prompt joins the
	// model's instructions, as a file's role would, with plain newlines.
	f := roleForm{Name: strings.TrimSpace(r.PostFormValue("name")),
		Prompt: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("prompt"), "\r\n", "\n")), Errors: map[string]string{}}
	_, err = u.app.PutRole(r.Context(), v.p, p.ID, f.Name, f.Prompt)
	if err == nil {
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/plans?done=saved#roles", http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, nil) {
		return err
	}
	return u.showPlans(w, r, v, p, statusOf(err), func(d *plansData) { d.Form = f })
}
