package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// getAgent returns one agent.
func (s *Server) getAgent(w http.ResponseWriter, r *http.Request) error {
	a, err := s.app.GetAgent(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.AgentView(a))
	return nil
}
