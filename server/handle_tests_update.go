package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// updateTest replaces a test's editable fields.
func (s *Server) updateTest(w http.ResponseWriter, r *http.Request) error {
	var req api.TestWrite
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	t, err := s.app.UpdateTest(r.Context(), principal(r), pathID(r), draft(&req))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.TestView(t))
	return nil
}
