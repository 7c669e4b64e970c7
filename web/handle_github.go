package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

// githubForm is the "GitHub issues" section of the settings page: what
// integrations/github needs to open issues for a project's failures.
type githubForm struct {
	InstallationID, Repository string
	ReportErrors, CloseOnPass  bool
	// Problem says why the stored settings cannot be used (e.g. saved
	// before the installation id could be set), so the admin knows
	// reports are not being made.
	Problem string
	Errors  map[string]string
}

// githubUpdate saves a project's GitHub issue settings; an empty
// repository removes them, so failures are no longer reported.
func (u *UI) githubUpdate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := githubForm{
		InstallationID: strings.TrimSpace(r.PostFormValue("github_installation_id")),
		Repository:     strings.TrimSpace(r.PostFormValue("github_repository")),
		ReportErrors:   r.PostFormValue("github_report_errors") != "",
		CloseOnPass:    r.PostFormValue("github_close_on_pass") != "",
		Errors:         map[string]string{},
	}
	if f.Repository == "" {
		err := u.store.DeleteIntegration(r.Context(), v.TenantID, store.IntegrationGitHub, &p.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=github-removed#github", http.StatusSeeOther)
		return nil
	}
	t := github.Target{Repository: f.Repository, ReportErrors: f.ReportErrors, CloseOnPass: f.CloseOnPass}
	id, perr := strconv.ParseInt(f.InstallationID, 10, 64)
	switch {
	case f.InstallationID == "":
		f.Errors["github_installation_id"] = "Enter the installation id of the Argus GitHub App: the number at the end of the app's installation settings URL on GitHub."
	case perr != nil:
		f.Errors["github_installation_id"] = "Write the installation id as a whole number, e.g. 41234567."
	default:
		t.InstallationID = id
	}
	idMsg, repoMsg := githubTargetErrors(t)
	if idMsg != "" && f.Errors["github_installation_id"] == "" {
		f.Errors["github_installation_id"] = idMsg
	}
	if repoMsg != "" {
		f.Errors["github_repository"] = repoMsg
	}
	if len(f.Errors) > 0 {
		return u.showSettings(w, r, v, p, http.StatusBadRequest, func(d *settingsData) { d.GitHub = f })
	}
	// An empty Token keeps a stored one (an installation's token).
	if _, err := u.store.PutIntegration(r.Context(), v.TenantID, store.IntegrationInput{ProjectID: &p.ID, Kind: store.IntegrationGitHub, Config: t.Config()}); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=github#github", http.StatusSeeOther)
	return nil
}

// githubTargetErrors checks t field by field with the rules the worker
// applies (github.Target.Validate), so the form refuses exactly what the
// worker would later refuse, with a message beside the field at fault.
func githubTargetErrors(t github.Target) (installationID, repository string) {
	if t.InstallationID <= 0 {
		installationID = "The installation id is a positive number, e.g. 41234567."
	}
	// Validate stops at the first problem; check the repository alone
	// with a stand-in id.
	probe := t
	probe.InstallationID = 1
	if probe.Validate() != nil {
		repository = "Write the repository as owner/name, e.g. acme/shop."
	}
	return installationID, repository
}

// githubSettings loads the form for a project's stored GitHub settings;
// settings the worker would refuse are shown with the reason.
func (u *UI) githubSettings(r *http.Request, v *viewer, p *store.Project) (githubForm, error) {
	in, err := u.store.GetIntegration(r.Context(), v.TenantID, store.IntegrationGitHub, &p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return githubForm{}, nil
	}
	if err != nil {
		return githubForm{}, err
	}
	// TargetFromConfig fills what it could read even when it refuses.
	t, err := github.TargetFromConfig(in.Config)
	f := githubForm{Repository: t.Repository, ReportErrors: t.ReportErrors, CloseOnPass: t.CloseOnPass}
	if t.InstallationID != 0 {
		f.InstallationID = strconv.FormatInt(t.InstallationID, 10)
	}
	if err != nil {
		f.Problem = "Failures are not reported to GitHub until these settings are complete: " + strings.TrimPrefix(err.Error(), github.ErrInvalid.Error()+": ") + "."
	}
	return f, nil
}
