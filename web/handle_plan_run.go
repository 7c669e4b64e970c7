package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// planRunData is a plan's run drawn as its graph: one column per layer
// (the nodes that need nothing first), each node with its needs.
type planRunData struct {
	Run     *store.Run
	Plan    string
	Outcome string
	Layers  [][]app.PlanRunNode
}

// planRunPage shows a run of a plan as its graph, each node with its
// status; the run page's live stream keeps the agents current, and the
// page reloads once the run ended to show the final node states.
func (u *UI) planRunPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "run")
	if err != nil {
		return err
	}
	pr, err := u.app.GetPlanRun(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	d, err := u.app.GetRun(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	data := planRunData{Run: pr.Run, Plan: pr.PlanName, Outcome: string(pr.Outcome)}
	for _, n := range pr.Nodes {
		for len(data.Layers) <= n.Layer {
			data.Layers = append(data.Layers, nil)
		}
		data.Layers[n.Layer] = append(data.Layers[n.Layer], n)
	}
	u.render(w, r, http.StatusOK, "planrun", page{Title: "Plan " + pr.PlanName, V: v, Project: d.Project, Nav: "runs", Data: data})
	return nil
}
