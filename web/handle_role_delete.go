package web

import "net/http"

// roleDelete removes one of the project's roles; the app layer refuses
// members, and a built-in role is no project's to delete (not found).
func (u *UI) roleDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	if err := u.app.DeleteRole(r.Context(), v.p, p.ID, r.PathValue("name")); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+p.ID.String()+"/plans?done=deleted#roles", http.StatusSeeOther)
	return nil
}
