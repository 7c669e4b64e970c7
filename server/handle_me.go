package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// me tells the caller who they are: the person or key, tenant and role.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	m, err := s.app.Me(r.Context(), principal(r))
	if err != nil {
		return err
	}
	v := api.Me{User: app.UserView(m.User), Tenant: app.TenantView(m.Tenant), Role: string(m.Role)}
	if m.KeyID != nil {
		v.Key = &api.MeKey{ID: *m.KeyID, Name: m.Key}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
