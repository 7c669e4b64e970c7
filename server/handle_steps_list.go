package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listSteps lists an agent's steps, by attempt and index.
func (s *Server) listSteps(w http.ResponseWriter, r *http.Request) error {
	steps, err := s.app.ListSteps(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(steps, s.app.StepView)))
	return nil
}
