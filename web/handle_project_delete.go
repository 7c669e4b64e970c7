package web

import "net/http"

// projectDelete deletes a project with everything in it, once the admin has
// typed its name.
func (u *UI) projectDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != p.Name {
		return badRequest("Type the project's name exactly to confirm deleting it.")
	}
	if err := u.app.DeleteProject(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects", http.StatusSeeOther)
	return nil
}
