package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// listPersonas lists a project's personas.
func (s *Server) listPersonas(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.ListPersonas(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(list, app.PersonaView)))
	return nil
}

// getPersona returns one persona.
func (s *Server) getPersona(w http.ResponseWriter, r *http.Request) error {
	p, err := s.app.GetPersona(r.Context(), principal(r), pathID(r), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.PersonaView(p))
	return nil
}

// putPersona creates or replaces a persona.
func (s *Server) putPersona(w http.ResponseWriter, r *http.Request) error {
	var req api.PersonaPut
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	p, err := s.app.PutPersona(r.Context(), principal(r), pathID(r), r.PathValue("name"), store.PersonaInput{
		DisplayName: req.DisplayName, Email: req.Email, Username: req.Username, PasswordSecret: req.PasswordSecret,
		TOTPSecret: req.TOTPSecret, Locale: req.Locale, Timezone: req.Timezone, UserAgent: req.UserAgent})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.PersonaView(p))
	return nil
}

// deletePersona removes a persona.
func (s *Server) deletePersona(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeletePersona(r.Context(), principal(r), pathID(r), r.PathValue("name")))
}
