package server

import (
	"net/http"

	"github.com/google/uuid"
)

// redeliver queues a recorded event for delivery again (admin): the same
// body and webhook-id, the project's current URL and secrets.
func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.Redeliver(r.Context(), principal(r), uuid.Nil, pathID(r)); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued for delivery"})
	return nil
}
