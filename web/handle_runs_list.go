package web

import (
	"net/http"

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
	cur, err := store.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return badRequest("This page link is damaged; go back to the first page.")
	}
	runs, next, err := u.store.ListRuns(r.Context(), v.TenantID, store.RunFilter{ProjectID: &p.ID, After: cur, Limit: store.DefaultPageSize})
	if err != nil {
		return err
	}
	d := runListData{Runs: runs, First: cur != nil}
	if next != nil {
		d.Next = next.String()
	}
	u.render(w, r, http.StatusOK, "runs", page{Title: "Runs · " + p.Name, V: v, Project: p, Nav: "runs", Data: d})
	return nil
}
