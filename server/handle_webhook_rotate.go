package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
)

// rotateWebhookSecret makes a new signing secret for a project's webhook
// (admin) and returns it once; the previous one keeps signing beside it
// until previous_valid_until, so the receiver can switch over.
func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.app.RotateWebhookSecret(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.WebhookSecret{Secret: rs.Secret, PreviousValidUntil: rs.PreviousValidUntil})
	return nil
}
