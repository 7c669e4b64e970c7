package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// getTest returns one test.
func (s *Server) getTest(w http.ResponseWriter, r *http.Request) error {
	t, _, err := s.app.GetTest(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.TestView(t))
	return nil
}
