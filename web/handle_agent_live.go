package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

type stepLive struct {
	Key  string `json:"key"`
	HTML string `json:"html"`
}

// agentLive streams one agent's new steps (as rendered timeline entries,
// escaped by the same templates as the page) and its status changes.
func (u *UI) agentLive(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, err := u.loadAgent(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sub := u.cfg.Hub.Subscribe(v.TenantID, a.RunID, a.ID)
	defer sub.Close()
	s, err := startStream(w)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	sendSteps := func() error {
		steps, err := u.store.ListSteps(ctx, v.TenantID, a.ID)
		if err != nil {
			return err
		}
		for _, st := range steps {
			key := fmt.Sprintf("%d-%d", st.Attempt, st.Index)
			if seen[key] {
				continue
			}
			seen[key] = true
			var buf bytes.Buffer
			if err := u.pages.fragments.ExecuteTemplate(&buf, "step", viewStep(st)); err != nil {
				return err
			}
			if err := s.send("step", stepLive{Key: key, HTML: buf.String()}); err != nil {
				return err
			}
		}
		return nil
	}
	sendAgent := func() (bool, error) {
		cur, err := u.store.GetAgent(ctx, v.TenantID, a.ID)
		if err != nil {
			return false, err
		}
		return cur.Status.Final(), s.send("agent", liveAgent(cur))
	}
	err = sendSteps()
	done := false
	if err == nil {
		done, err = sendAgent()
	}
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
			case events.KindStep:
				err = sendSteps()
			case events.KindAgent:
				if err = sendSteps(); err == nil {
					done, err = sendAgent()
				}
			}
		}
	}
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, store.ErrNotFound) {
			u.log.Warn("agent stream ended", "agent", a.ID, "error", err)
		}
		return nil
	}
	_ = s.send("end", map[string]string{"agent": a.ID.String()})
	return nil
}
