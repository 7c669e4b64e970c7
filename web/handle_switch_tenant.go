package web

import (
	"net/http"

	"github.com/google/uuid"
)

// switchTenant moves the person to another of their tenants: a new session
// bound to that tenant replaces the current one.
func (u *UI) switchTenant(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := uuid.Parse(r.PostFormValue("tenant"))
	if err != nil {
		return badRequest("Choose a tenant from the list.")
	}
	sess, err := u.app.SwitchTenant(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	http.SetCookie(w, u.app.SessionCookie(sess))
	http.Redirect(w, r, "/projects", http.StatusSeeOther)
	return nil
}
