package web

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type runData struct {
	Run    *store.Run
	Agents []store.Agent
	Counts []statusCount
}

// runPage shows a run's agents; the page's script keeps it current through
// /runs/{id}/live.
func (u *UI) runPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "run")
	if err != nil {
		return err
	}
	d, err := u.app.GetRun(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "run", page{Title: "Run of " + d.Run.CreatedAt.UTC().Format("2006-01-02 15:04"), V: v, Project: d.Project, Nav: "runs",
		Data: runData{Run: d.Run, Agents: d.Agents, Counts: countStatuses(d.Agents)}})
	return nil
}
