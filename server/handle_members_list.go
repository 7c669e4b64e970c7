package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listMembers lists the tenant's people with their roles.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.app.ListMembers(r.Context(), principal(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(app.Map(ms, app.MemberView)))
	return nil
}
