package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type stepLive struct {
	Key  string `json:"key"`
	HTML string `json:"html"`
}

// agentLive streams one agent's new steps (as rendered timeline entries,
// escaped by the same templates as the page) and its status changes.
func (u *UI) agentLive(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "agent")
	if err != nil {
		return err
	}
	if _, err := u.app.GetAgent(r.Context(), v.p, id); err != nil {
		return err
	}
	return u.follow(w, r, v, app.Follow{Agent: id, Steps: true}, func(es *app.EventStream) app.RunWatcher {
		return &agentPageWatcher{u: u, es: es}
	})
}

// agentPageWatcher renders a followed agent as timeline entries.
type agentPageWatcher struct {
	u  *UI
	es *app.EventStream
}

func (pw *agentPageWatcher) Step(st *store.Step) error {
	var buf bytes.Buffer
	if err := pw.u.pages.fragments.ExecuteTemplate(&buf, "step", viewStep(*st)); err != nil {
		return err
	}
	return pw.es.Send("step", "", stepLive{Key: fmt.Sprintf("%d-%d", st.Attempt, st.Index), HTML: buf.String()})
}

func (pw *agentPageWatcher) Agent(a *store.Agent) error { return pw.es.Send("agent", "", liveAgent(a)) }

func (pw *agentPageWatcher) Run(*store.Run, []store.Agent) error { return nil }

func (pw *agentPageWatcher) Heartbeat() error { return pw.es.Heartbeat() }
