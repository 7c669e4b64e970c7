package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listProjects lists the tenant's projects by name.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.app.ListProjects(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(ps, app.ProjectView)))
	return nil
}
