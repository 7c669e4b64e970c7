package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/github"
)

// putGitHub sets where a project's failures are reported as GitHub
// issues (admin). A stored installation token is kept.
func (s *Server) putGitHub(w http.ResponseWriter, r *http.Request) error {
	var req api.GitHubSettings
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	gh, err := s.app.PutGitHub(r.Context(), principal(r), pathID(r), github.Target{InstallationID: req.InstallationID,
		Repository: req.Repository, ReportErrors: req.ReportErrors, CloseOnPass: req.CloseOnPass})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewGitHub(gh.Target))
	return nil
}
