package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
)

func (u *UI) projectCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := projectForm{Name: strings.TrimSpace(r.PostFormValue("name")), BaseURL: strings.TrimSpace(r.PostFormValue("base_url")), Errors: map[string]string{}}
	saved, err := u.app.CreateProject(r.Context(), v.p, app.ProjectInput{Name: f.Name, BaseURL: f.BaseURL})
	if err == nil {
		http.Redirect(w, r, "/projects/"+saved.Project.ID.String(), http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, nil) {
		return err
	}
	status := statusOf(err)
	ps, err := u.app.ListProjects(r.Context(), v.p)
	if err != nil {
		return err
	}
	u.render(w, r, status, "projects", page{Title: "Projects", V: v, Nav: "projects", Data: projectListData{Projects: ps, Form: f}})
	return nil
}
