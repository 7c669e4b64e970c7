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
	found := false
	for _, m := range v.Tenants {
		found = found || m.Tenant.ID == id
	}
	if !found {
		return notFound("tenant")
	}
	if err := u.startSession(r.Context(), w, v.UserID, id); err != nil {
		return err
	}
	if err := u.store.DeleteSession(r.Context(), v.token); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects", http.StatusSeeOther)
	return nil
}
