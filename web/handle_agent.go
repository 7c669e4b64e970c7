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
	// Role is the prompt role the agent worked in; "" for none.
	Role string
}

// agentPage shows one agent: its verdict and summary, then the step
// timeline; while it runs, /agents/{id}/live appends steps.
func (u *UI) agentPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "agent")
	if err != nil {
		return err
	}
	ad, err := u.app.AgentDetail(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	d := agentData{Agent: ad.Agent, Run: ad.Run, Steps: make([]stepView, len(ad.Steps)), Nonce: nonce(), Role: ad.Role}
	for i, st := range ad.Steps {
		d.Steps[i] = viewStep(st)
	}
	u.render(w, r, http.StatusOK, "agent", page{Title: ad.Agent.TestName, V: v, Project: ad.Project, Nav: "runs", Data: d})
	return nil
}
