package server

import (
	"fmt"
	"net/http"
)

// exportTenant writes everything the tenant holds as one JSON document
// (GDPR data portability), in the format app.ExportTenant defines.
func (s *Server) exportTenant(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	name, err := s.app.ExportFilename(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	if err := s.app.ExportTenant(r.Context(), p, w); err != nil {
		// Headers are out; the truncated document is the client's signal.
		s.log.Error("tenant export failed midway", "tenant", p.TenantID, "error", err)
	}
	return nil
}
