package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// listRoles lists the roles the project's tests may name.
func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.ListRoles(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(list, app.RoleView)))
	return nil
}

// putRole creates or replaces one of the project's roles.
func (s *Server) putRole(w http.ResponseWriter, r *http.Request) error {
	var req api.RolePut
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	role, err := s.app.PutRole(r.Context(), principal(r), pathID(r), r.PathValue("name"), req.Prompt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.RoleView(role))
	return nil
}

// deleteRole removes one of the project's roles.
func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteRole(r.Context(), principal(r), pathID(r), r.PathValue("name")))
}
