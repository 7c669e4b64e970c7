package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// runLive streams a run's changes to its page: an "agent" event per agent
// change, a "run" event per run change, "end" once the run is over. It
// subscribes before reading the snapshot, so no change between the page's
// render and the stream's start is lost, and re-reads rows through the
// tenant-scoped store on every signal (events carry ids only).
func (u *UI) runLive(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "run")
	if err != nil {
		return err
	}
	ctx := r.Context()
	run, err := u.store.GetRun(ctx, v.TenantID, id)
	if err != nil {
		return err
	}
	sub := u.cfg.Hub.Subscribe(v.TenantID, run.ID, uuid.Nil)
	defer sub.Close()

	s, err := startStream(w)
	if err != nil {
		return nil
	}
	sendRun := func() (bool, error) {
		run, err := u.store.GetRun(ctx, v.TenantID, id)
		if err != nil {
			return false, err
		}
		agents, err := u.store.ListAgents(ctx, v.TenantID, id)
		if err != nil {
			return false, err
		}
		for i := range agents {
			if err := s.send("agent", liveAgent(&agents[i])); err != nil {
				return false, err
			}
		}
		if err := s.send("run", runLiveView{ID: run.ID, Status: run.Status, Label: statusLabel(run.Status), Counts: countsText(countStatuses(agents))}); err != nil {
			return false, err
		}
		return run.Status.Final(), nil
	}
	done, err := sendRun()
	heartbeat := time.NewTicker(u.cfg.HeartbeatInterval)
	defer heartbeat.Stop()
	for err == nil && !done {
		select {
		case <-ctx.Done():
			return nil
		case <-u.closing:
			return nil
		case <-heartbeat.C:
			err = s.heartbeat()
		case ev := <-sub.C:
			switch ev.Kind {
			case events.KindAgent, events.KindStep:
				var a *store.Agent
				if a, err = u.store.GetAgent(ctx, v.TenantID, ev.Agent); err == nil {
					err = s.send("agent", liveAgent(a))
				} else if errors.Is(err, store.ErrNotFound) {
					err = nil
				}
			case events.KindRun:
				done, err = sendRun()
			}
		}
	}
	if err != nil {
		if ctx.Err() == nil {
			u.log.Warn("run stream ended", "run", id, "error", err)
		}
		return nil
	}
	_ = s.send("end", map[string]string{"run": id.String()})
	return nil
}
