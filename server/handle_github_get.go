package server

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

// githubSettings is the JSON shape of a project's GitHub issue settings,
// read and written by GET and PUT /api/v1/projects/{id}/github; the same
// fields as github.Target.
type githubSettings struct {
	InstallationID int64  `json:"installation_id"`
	Repository     string `json:"repository"`
	ReportErrors   bool   `json:"report_errors"`
	CloseOnPass    bool   `json:"close_on_pass"`
}

func viewGitHub(t github.Target) githubSettings {
	return githubSettings{InstallationID: t.InstallationID, Repository: t.Repository, ReportErrors: t.ReportErrors, CloseOnPass: t.CloseOnPass}
}

func errNoGitHub() *Problem {
	return problem(http.StatusNotFound, "this project has no GitHub settings")
}

// githubProject finds the project of the request in the caller's tenant:
// another tenant's project is a 404, as an unknown id is.
func (s *Server) githubProject(r *http.Request) (tenant, project uuid.UUID, err error) {
	id, err := pathID(r, "id")
	if err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	tenant = principal(r).TenantID
	if _, err := s.store.GetProject(r.Context(), tenant, id); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	return tenant, id, nil
}

// getGitHub returns where a project's failures are reported as GitHub
// issues; 404 when nowhere.
func (s *Server) getGitHub(w http.ResponseWriter, r *http.Request) {
	tenant, project, err := s.githubProject(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := s.store.GetIntegration(r.Context(), tenant, store.IntegrationGitHub, &project)
	if errors.Is(err, store.ErrNotFound) {
		err = errNoGitHub()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Settings stored before they were complete (e.g. a repository without
	// an installation id) are shown as far as they can be read, so the
	// caller can see what to fix; TargetFromConfig fills what it read.
	t, _ := github.TargetFromConfig(in.Config)
	writeJSON(w, http.StatusOK, viewGitHub(t))
}
