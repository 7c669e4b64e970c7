package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// plansData is the project's plans page: its plans, each with a run
// button, the roles its tests may name, and the form that adds or
// changes one of the project's own roles.
type plansData struct {
	Plans []store.Plan
	Roles []app.Role
	Form  roleForm
	Flash string
}

// roleForm is a project role as the form shows it: the stored one when
// editing, or what was sent with the problems the app layer found.
type roleForm struct {
	Name, Prompt string
	Errors       map[string]string // by field: name, prompt
}

// showPlans renders the plans page; edit, when set, changes what it shows
// (the form's values, a flash) before it is rendered.
func (u *UI) showPlans(w http.ResponseWriter, r *http.Request, v *viewer, p *store.Project, status int, edit func(*plansData)) error {
	d := plansData{Form: roleForm{Errors: map[string]string{}}}
	var err error
	if d.Plans, err = u.app.ListPlans(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	if d.Roles, err = u.app.ListRoles(r.Context(), v.p, p.ID); err != nil {
		return err
	}
	if edit != nil {
		edit(&d)
	}
	u.render(w, r, status, "plans", page{Title: "Plans · " + p.Name, V: v, Project: p, Nav: "plans", Data: d})
	return nil
}

// planList shows the project's plans (from the plan: documents of its
// test files) and roles; ?edit=NAME fills the role form with that project
// role (a built-in one cannot be changed, so it never fills the form).
func (u *UI) planList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	flash := map[string]string{"saved": "Role saved.", "deleted": "Role deleted."}[q.Get("done")]
	return u.showPlans(w, r, v, p, http.StatusOK, func(d *plansData) {
		d.Flash = flash
		for _, ro := range d.Roles {
			if !ro.Builtin && ro.Name == q.Get("edit") {
				d.Form.Name, d.Form.Prompt = ro.Name, ro.Prompt
			}
		}
	})
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
