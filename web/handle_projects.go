package web

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type projectListData struct {
	Projects []store.Project
	Form     projectForm
}

type projectForm struct {
	Name, BaseURL string
	Errors        map[string]string
}

func (u *UI) projectList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ps, err := u.app.ListProjects(r.Context(), v.p)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "projects", page{Title: "Projects", V: v, Nav: "projects", Data: projectListData{Projects: ps}})
	return nil
}
