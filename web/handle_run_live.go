package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// runLive streams a run's changes to its page: an "agent" event per agent
// change, a "run" event per run change, "end" once the run is over (the
// App's one rule: every agent reached an end state).
func (u *UI) runLive(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "run")
	if err != nil {
		return err
	}
	if _, err := u.app.GetRun(r.Context(), v.p, id); err != nil {
		return err
	}
	return u.follow(w, r, v, app.Follow{Run: id}, func(es *app.EventStream) app.RunWatcher { return &runPageWatcher{es: es} })
}

// runPageWatcher renders a followed run as the run page's JavaScript reads
// it.
type runPageWatcher struct{ es *app.EventStream }

func (pw *runPageWatcher) Step(*store.Step) error { return nil }

func (pw *runPageWatcher) Agent(a *store.Agent) error { return pw.es.Send("agent", "", liveAgent(a)) }

func (pw *runPageWatcher) Run(run *store.Run, agents []store.Agent) error {
	for i := range agents {
		if err := pw.Agent(&agents[i]); err != nil {
			return err
		}
	}
	return pw.es.Send("run", "", runLiveView{ID: run.ID, Status: run.Status, Label: statusLabel(run.Status), Counts: countsText(countStatuses(agents))})
}

func (pw *runPageWatcher) Heartbeat() error { return pw.es.Heartbeat() }

// follow streams a followed run to a live page until it finishes, the
// page goes or the server shuts down.
func (u *UI) follow(w http.ResponseWriter, r *http.Request, v *viewer, f app.Follow, watcher func(*app.EventStream) app.RunWatcher) error {
	es, err := app.StartEventStream(w)
	if err != nil {
		return nil // the page is gone
	}
	finished, err := u.app.FollowRun(r.Context(), v.p, f, watcher(es))
	switch {
	case err != nil:
		if r.Context().Err() == nil {
			u.log.Warn("live stream ended", "run", f.Run, "agent", f.Agent, "error", err)
		}
	case finished:
		_ = es.Send("end", "", map[string]string{"status": "finished"})
	}
	return nil
}
