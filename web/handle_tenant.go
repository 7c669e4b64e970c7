package web

import (
	"net/http"
	"strings"
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
	if strings.TrimSpace(r.PostFormValue("confirm")) != v.Tenant.Slug {
		u.render(w, r, http.StatusBadRequest, "tenant", page{Title: "Tenant", V: v, Nav: "tenant",
			Data: tenantData{Error: "Type the tenant's slug, " + v.Tenant.Slug + ", exactly to confirm."}})
		return nil
	}
	if err := u.store.DeleteTenant(r.Context(), v.TenantID); err != nil {
		return err
	}
	if err := u.cfg.Blobs.DeletePrefix(r.Context(), tenantBlobPrefix(v.TenantID)); err != nil {
		// The rows are gone; orphaned blobs are only reachable by key,
		// which nobody holds any more. Log for the operator to clean up.
		u.log.Error("tenant deleted but its blobs were not", "tenant", v.TenantID, "error", err)
	}
	u.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
