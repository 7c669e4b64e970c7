package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// createAPIKey makes a key and returns it once, in "key".
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	var req api.APIKeyCreate
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	k, err := s.app.CreateAPIKey(r.Context(), principal(r), app.APIKeyInput{Name: req.Name, Role: req.Role, ExpiresInDays: req.ExpiresInDays})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, app.APIKeyView(k))
	return nil
}
