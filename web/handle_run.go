package web

import (
	"errors"
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type runData struct {
	Run    *store.Run
	Agents []store.Agent
	Counts []statusCount
	// Plan names the plan this is a run of; "" for other runs.
	Plan string
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
	data := runData{Run: d.Run, Agents: d.Agents, Counts: countStatuses(d.Agents)}
	if pr, err := u.app.GetPlanRun(r.Context(), v.p, id); err == nil {
		data.Plan = pr.PlanName
	} else if !errors.Is(err, app.ErrNotPlanRun) {
		return err
	}
	u.render(w, r, http.StatusOK, "run", page{Title: "Run of " + d.Run.CreatedAt.UTC().Format("2006-01-02 15:04"), V: v, Project: d.Project, Nav: "runs",
		Data: data})
	return nil
}
