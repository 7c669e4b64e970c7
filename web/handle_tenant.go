package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

type tenantData struct {
	Error string
}

// tenantPage offers the tenant's export and, behind a typed confirmation,
// its deletion.
func (u *UI) tenantPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	u.render(w, r, http.StatusOK, "tenant", page{Title: "Tenant", V: v, Nav: "tenant", Data: tenantData{}})
	return nil
}

// tenantDelete deletes the tenant and everything it owns, its blobs too,
// once the admin typed the tenant's slug.
func (u *UI) tenantDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	err := u.app.DeleteTenant(r.Context(), v.p, r.PostFormValue("confirm"))
	if e, ok := app.AsError(err); ok && e.Code == app.CodeInvalid {
		u.render(w, r, http.StatusBadRequest, "tenant", page{Title: "Tenant", V: v, Nav: "tenant",
			Data: tenantData{Error: "Type the tenant's slug, " + v.Tenant.Slug + ", exactly to confirm."}})
		return nil
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, u.app.ClearSessionCookie())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
