package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listSecrets lists a project's secret names; values are write-only.
func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) error {
	secrets, err := s.app.ListSecrets(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(secrets, app.SecretView)))
	return nil
}
