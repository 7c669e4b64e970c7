package server

import (
	"net/http"
)

// projectMail lists the newest messages of the project's test mailbox.
func (s *Server) projectMail(w http.ResponseWriter, r *http.Request) error {
	box, err := s.app.ProjectMail(r.Context(), principal(r), pathID(r), r.URL.Query().Get("limit"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, box)
	return nil
}

// projectMailMessage opens one message of the project's test mailbox.
func (s *Server) projectMailMessage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.app.ProjectMailMessage(r.Context(), principal(r), pathID(r), r.PathValue("message"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
