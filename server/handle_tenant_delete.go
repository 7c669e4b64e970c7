package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
)

// deleteTenant deletes the tenant with everything it owns — rows by
// cascade, then its blobs — and ends the caller's session. People keep
// their accounts for their other tenants.
func (s *Server) deleteTenant(w http.ResponseWriter, r *http.Request) error {
	var req api.TenantDelete
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	p := principal(r)
	if err := s.app.DeleteTenant(r.Context(), p, req.Confirm); err != nil {
		return err
	}
	if p.ViaSession() {
		http.SetCookie(w, s.app.ClearSessionCookie())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
