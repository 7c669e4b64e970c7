package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// cancelAgent cancels a queued or running agent: its job is cancelled and
// a running agent's browser is gone within seconds. 409 when it already
// finished.
func (s *Server) cancelAgent(w http.ResponseWriter, r *http.Request) error {
	a, err := s.app.CancelAgent(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, app.AgentView(a))
	return nil
}
