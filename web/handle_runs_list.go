package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type runListData struct {
	Runs  []store.Run
	Next  string
	First bool
}

func (u *UI) runList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	cursor := r.URL.Query().Get("cursor")
	runs, next, err := u.app.ListRuns(r.Context(), v.p, p.ID, app.PageRequest{Cursor: cursor})
	if err != nil {
		return err
	}
	d := runListData{Runs: runs, First: cursor != ""}
	if next != nil {
		d.Next = next.String()
	}
	u.render(w, r, http.StatusOK, "runs", page{Title: "Runs · " + p.Name, V: v, Project: p, Nav: "runs", Data: d})
	return nil
}
