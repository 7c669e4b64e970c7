package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// plansData is the project's plans page: its plans, each with a run
// button, and the roles its tests may name.
type plansData struct {
	Plans []store.Plan
	Roles []app.Role
}

// planList shows the project's plans (from the plan: documents of its
// test files) and roles.
func (u *UI) planList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	var d plansData
	if d.Plans, err = u.app.ListPlans(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	if d.Roles, err = u.app.ListRoles(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "plans", page{Title: "Plans · " + p.Name, V: v, Project: p, Nav: "plans", Data: d})
	return nil
}

// planRun starts a run of a plan and shows its graph.
func (u *UI) planRun(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "plan")
	if err != nil {
		return err
	}
	started, err := u.app.StartPlanRun(r.Context(), v.p, app.PlanRunRequest{Plan: id})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+started.Run.ID.String()+"/plan", http.StatusSeeOther)
	return nil
}
