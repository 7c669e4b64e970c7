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
	run, err := u.store.GetRun(r.Context(), v.TenantID, id)
	if err != nil {
		return err
	}
	agents, err := u.store.ListAgents(r.Context(), v.TenantID, run.ID)
	if err != nil {
		return err
	}
	p, err := u.store.GetProject(r.Context(), v.TenantID, run.ProjectID)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "run", page{Title: "Run of " + run.CreatedAt.UTC().Format("2006-01-02 15:04"), V: v, Project: p, Nav: "runs",
		Data: runData{Run: run, Agents: agents, Counts: countStatuses(agents)}})
	return nil
}
