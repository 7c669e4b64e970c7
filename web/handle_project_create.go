package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/argusqa/argus/store"
)

func (u *UI) projectCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := projectForm{Name: strings.TrimSpace(r.PostFormValue("name")), BaseURL: strings.TrimSpace(r.PostFormValue("base_url")), Errors: map[string]string{}}
	if f.Name == "" {
		f.Errors["name"] = "Give the project a name, e.g. the application's."
	}
	if msg := checkBaseURL(f.BaseURL); msg != "" {
		f.Errors["base_url"] = msg
	}
	var p *store.Project
	if len(f.Errors) == 0 {
		var err error
		p, err = u.store.CreateProject(r.Context(), v.TenantID, store.ProjectInput{Name: f.Name, BaseURL: f.BaseURL})
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["name"] = "A project with this name exists already."
		case errors.Is(err, store.ErrInvalid):
			f.Errors["base_url"] = err.Error()
		case err != nil:
			return err
		}
	}
	if len(f.Errors) > 0 {
		ps, err := u.store.ListProjects(r.Context(), v.TenantID)
		if err != nil {
			return err
		}
		u.render(w, r, http.StatusBadRequest, "projects", page{Title: "Projects", V: v, Nav: "projects", Data: projectListData{Projects: ps, Form: f}})
		return nil
	}
	http.Redirect(w, r, "/projects/"+p.ID.String(), http.StatusSeeOther)
	return nil
}

// checkBaseURL checks a project's base URL: absolute http(s), or empty
// (tests then use absolute URLs).
func checkBaseURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "Use an absolute http or https URL, e.g. https://staging.example.com."
	}
	return ""
}
