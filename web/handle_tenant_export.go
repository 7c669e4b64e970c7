package web

import (
	"fmt"
	"net/http"
)

// tenantExport downloads everything the tenant holds as JSON (data
// portability), in the one format the API's export has.
func (u *UI) tenantExport(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name, err := u.app.ExportFilename(r.Context(), v.p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	if err := u.app.ExportTenant(r.Context(), v.p, w); err != nil {
		// The document is cut short, which the reader sees as invalid JSON.
		u.log.Error("tenant export cut short", "tenant", v.TenantID, "error", err)
	}
	return nil
}
