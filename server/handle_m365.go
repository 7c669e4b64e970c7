package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
)

// getM365 returns the project's Microsoft 365 mailbox; 404 when none.
func (s *Server) getM365(w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.M365(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// putM365 connects the project to a Microsoft 365 mailbox (admin).
func (s *Server) putM365(w http.ResponseWriter, r *http.Request) error {
	var req api.M365Put
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	c, err := s.app.PutM365(r.Context(), principal(r), pathID(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// deleteM365 disconnects it (admin).
func (s *Server) deleteM365(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteM365(r.Context(), principal(r), pathID(r)))
}

// m365SignIn starts a delegated sign-in (admin): the URL to open.
func (s *Server) m365SignIn(w http.ResponseWriter, r *http.Request) error {
	in, err := s.app.M365SignIn(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, in)
	return nil
}
