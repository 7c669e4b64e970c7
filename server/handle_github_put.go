package server

import (
	"net/http"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

// putGitHub sets where a project's failures are reported as GitHub
// issues (admin). A stored installation token is kept.
func (s *Server) putGitHub(w http.ResponseWriter, r *http.Request) {
	tenant, project, err := s.githubProject(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req githubSettings
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	t := github.Target{InstallationID: req.InstallationID, Repository: req.Repository, ReportErrors: req.ReportErrors, CloseOnPass: req.CloseOnPass}
	if fields := githubFieldErrors(t); len(fields) > 0 {
		s.fail(w, r, invalid("cannot report to GitHub with these settings", fields...))
		return
	}
	in, err := s.store.PutIntegration(r.Context(), tenant, store.IntegrationInput{ProjectID: &project, Kind: store.IntegrationGitHub, Config: t.Config()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Answer with what was stored, read back as the worker reads it.
	stored, err := github.TargetFromConfig(in.Config)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewGitHub(stored))
}

// githubFieldErrors checks t field by field with the rules the worker
// applies (github.Target.Validate), so the API refuses exactly what the
// worker would later refuse as invalid, naming each field at fault.
func githubFieldErrors(t github.Target) []FieldError {
	var fields []FieldError
	if t.InstallationID <= 0 {
		fields = append(fields, FieldError{"installation_id", "must be a positive number: the id of the GitHub App's installation"})
	}
	// Validate stops at the first problem; check the repository alone
	// with a stand-in id.
	probe := t
	probe.InstallationID = 1
	if probe.Validate() != nil {
		fields = append(fields, FieldError{"repository", `must be "owner/name", e.g. "acme/shop"`})
	}
	return fields
}
