package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// projectMail lists the newest messages of the project's test mailbox.
func (s *Server) projectMail(w http.ResponseWriter, r *http.Request) error {
	msgs, err := s.app.ProjectMail(r.Context(), principal(r), pathID(r), r.URL.Query().Get("limit"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(msgs))
	return nil
}
