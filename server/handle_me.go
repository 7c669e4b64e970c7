package server

import (
	"net/http"

	"github.com/google/uuid"
)

type meKeyView struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

type meView struct {
	User   *userView  `json:"user"`
	Key    *meKeyView `json:"key"`
	Tenant tenantView `json:"tenant"`
	Role   string     `json:"role"`
}

// me tells the caller who they are: the person or key, tenant and role.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	t, err := s.store.GetTenant(r.Context(), p.TenantID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := meView{Tenant: viewTenant(t), Role: string(p.Role)}
	if p.UserID != nil {
		u, err := s.store.GetUser(r.Context(), p.TenantID, *p.UserID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.User = viewUser(u)
	}
	if p.KeyID != nil {
		v.Key = &meKeyView{ID: *p.KeyID, Name: p.KeyName}
	}
	writeJSON(w, http.StatusOK, v)
}
