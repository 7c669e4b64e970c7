package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/app"
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
		if err := u.app.DeleteGitHub(r.Context(), v.p, p.ID); err != nil {
			if e, ok := app.AsError(err); !ok || e.Code != app.CodeNotFound {
				return err
			}
		}
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=github-removed#github", http.StatusSeeOther)
		return nil
	}
	t := github.Target{Repository: f.Repository, ReportErrors: f.ReportErrors, CloseOnPass: f.CloseOnPass}
	id, perr := strconv.ParseInt(f.InstallationID, 10, 64)
	if perr == nil {
		t.InstallationID = id
	}
	_, err = u.app.PutGitHub(r.Context(), v.p, p.ID, t)
	if err == nil {
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=github#github", http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, map[string]string{"installation_id": "github_installation_id", "repository": "github_repository"}) {
		return err
	}
	if perr != nil && f.InstallationID != "" {
		f.Errors["github_installation_id"] = "Write the installation id as a whole number, e.g. 41234567."
	}
	return u.showSettings(w, r, v, p, statusOf(err), func(d *settingsData) { d.GitHub = f })
}

// githubSettings loads the form for a project's stored GitHub settings;
// settings the worker would refuse are shown with the reason.
func (u *UI) githubSettings(r *http.Request, v *viewer, p *store.Project) (githubForm, error) {
	gh, err := u.app.GitHub(r.Context(), v.p, p.ID)
	var e *app.Error
	if errors.As(err, &e) && e.Code == app.CodeNotFound {
		return githubForm{}, nil
	}
	if err != nil {
		return githubForm{}, err
	}
	t := gh.Target
	f := githubForm{Repository: t.Repository, ReportErrors: t.ReportErrors, CloseOnPass: t.CloseOnPass}
	if t.InstallationID != 0 {
		f.InstallationID = strconv.FormatInt(t.InstallationID, 10)
	}
	if gh.Problem != "" {
		f.Problem = sentence(gh.Problem)
	}
	return f, nil
}
