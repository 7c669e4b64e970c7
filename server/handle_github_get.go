package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/github"
)

func viewGitHub(t github.Target) api.GitHubSettings {
	return api.GitHubSettings{InstallationID: t.InstallationID, Repository: t.Repository, ReportErrors: t.ReportErrors, CloseOnPass: t.CloseOnPass}
}

// getGitHub returns where a project's failures are reported as GitHub
// issues; 404 when nowhere. Settings stored before they were complete are
// shown as far as they can be read, so the caller can see what to fix.
func (s *Server) getGitHub(w http.ResponseWriter, r *http.Request) error {
	gh, err := s.app.GitHub(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewGitHub(gh.Target))
	return nil
}
