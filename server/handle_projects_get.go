package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// getProject returns one project.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request) error {
	p, err := s.app.GetProject(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ProjectView(p))
	return nil
}
