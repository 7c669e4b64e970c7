package web

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type agentData struct {
	Agent *store.Agent
	Run   *store.Run
	Steps []stepView
	Nonce string
}

func (u *UI) loadAgent(r *http.Request, v *viewer) (*store.Agent, error) {
	id, err := pathID(r, "agent")
	if err != nil {
		return nil, err
	}
	return u.store.GetAgent(r.Context(), v.TenantID, id)
}

// agentPage shows one agent: its verdict and summary, then the step
// timeline; while it runs, /agents/{id}/live appends steps.
func (u *UI) agentPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, err := u.loadAgent(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	run, err := u.store.GetRun(ctx, v.TenantID, a.RunID)
	if err != nil {
		return err
	}
	p, err := u.store.GetProject(ctx, v.TenantID, run.ProjectID)
	if err != nil {
		return err
	}
	steps, err := u.store.ListSteps(ctx, v.TenantID, a.ID)
	if err != nil {
		return err
	}
	d := agentData{Agent: a, Run: run, Steps: make([]stepView, len(steps)), Nonce: nonce()}
	for i, st := range steps {
		d.Steps[i] = viewStep(st)
	}
	u.render(w, r, http.StatusOK, "agent", page{Title: a.TestName, V: v, Project: p, Nav: "runs", Data: d})
	return nil
}
