package server

import (
	"errors"
	"net/http"

	"github.com/argusqa/argus/store"
)

// deleteGitHub stops reporting a project's failures to GitHub (admin);
// 404 when it had no GitHub settings.
func (s *Server) deleteGitHub(w http.ResponseWriter, r *http.Request) {
	tenant, project, err := s.githubProject(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.store.DeleteIntegration(r.Context(), tenant, store.IntegrationGitHub, &project)
	if errors.Is(err, store.ErrNotFound) {
		err = errNoGitHub()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
