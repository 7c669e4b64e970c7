package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listAPIKeys lists the tenant's keys (never their secret part).
func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.app.ListAPIKeys(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(keys, app.APIKeyView)))
	return nil
}
