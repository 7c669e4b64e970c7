package server

import (
	"net/http"

	"github.com/argusqa/argus/integrations/storage"
)

type tenantDeleteRequest struct {
	// Confirm must be the tenant's slug, so a stray request cannot delete
	// an organisation.
	Confirm string `json:"confirm"`
}

// deleteTenant deletes the tenant with everything it owns — rows by
// cascade, then its blobs — and ends the caller's session. People keep
// their accounts for their other tenants.
func (s *Server) deleteTenant(w http.ResponseWriter, r *http.Request) {
	var req tenantDeleteRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	p := principal(r)
	t, err := s.store.GetTenant(r.Context(), p.TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Confirm != t.Slug {
		s.fail(w, r, invalid("to delete this tenant, confirm with its slug", FieldError{"confirm", "must be the tenant's slug"}))
		return
	}
	if err := s.store.DeleteTenant(r.Context(), t.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.keys.forgetTenant(t.ID)
	if err := s.cfg.Blobs.DeletePrefix(r.Context(), storage.TenantPrefix(t.ID.String())); err != nil {
		// The rows are gone, so nothing can reach these blobs; the
		// operator must still remove them for the deletion to be whole.
		s.log.Error("tenant deleted but its blobs were not", "tenant", t.ID, "error", err)
		s.fail(w, r, err)
		return
	}
	s.log.Info("tenant deleted", "tenant", t.ID, "slug", t.Slug)
	if p.ViaSession() {
		s.clearSessionCookie(w)
	}
	w.WriteHeader(http.StatusNoContent)
}
