package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// projectHealth answers the project's health board, filtered by tag and
// status.
func (s *Server) projectHealth(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cards, err := s.app.ProjectHealth(r.Context(), principal(r), app.HealthRequest{Project: pathID(r), Tags: q["tag"], Status: q.Get("status")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(cards))
	return nil
}
