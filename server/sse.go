package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// stream is one Server-Sent Events response following a run, or one agent
// of it. Events from the hub are only signals: on each one the stream
// re-reads the rows through the tenant-scoped store and sends what is new,
// so a dropped signal only delays an update and no event carries data the
// subscriber could not read itself.
type stream struct {
	s      *Server
	w      http.ResponseWriter
	rc     *http.ResponseController
	tenant uuid.UUID
	run    uuid.UUID
	agent  uuid.UUID // uuid.Nil: every agent of the run

	// sent holds the steps already sent, by agent, attempt and index.
	sent map[stepKey]bool
	// after skips steps created at or before this time (Last-Event-ID).
	after int64
}

type stepKey struct {
	agent          uuid.UUID
	attempt, index int
}

// serveStream runs the stream until the run (or agent) finishes, the
// client leaves or the server shuts down.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, tenant, run, agent uuid.UUID) {
	st := &stream{s: s, w: w, rc: http.NewResponseController(w), tenant: tenant, run: run, agent: agent, sent: map[stepKey]bool{}}
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		st.after, _ = strconv.ParseInt(id, 10, 64)
	}
	// A stream outlives the server's 5-minute timeouts by design; lifting
	// the read deadline too keeps the server from ending the request when
	// the idle connection's read times out.
	_ = st.rc.SetWriteDeadline(time.Time{})
	_ = st.rc.SetReadDeadline(time.Time{})

	// Subscribe before the first read so nothing between them is missed.
	sub := s.cfg.Hub.Subscribe(tenant, run, agent)
	defer sub.Close()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer
	w.WriteHeader(http.StatusOK)

	ctx := r.Context()
	done, err := st.catchUp(ctx)
	if err != nil || done {
		st.finish(ctx, err)
		return
	}
	heartbeat := time.NewTicker(s.cfg.HeartbeatInterval)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.streamsDone:
			return
		case <-heartbeat.C:
			if err := st.send(": heartbeat\n\n"); err != nil {
				return
			}
		case ev := <-sub.C:
			done, err := st.handle(ctx, ev)
			if err != nil || done {
				st.finish(ctx, err)
				return
			}
		}
	}
}

// catchUp sends the current state: the agent or run, then every step so
// far (after Last-Event-ID).
func (st *stream) catchUp(ctx context.Context) (done bool, err error) {
	agents, err := st.agents(ctx)
	if err != nil {
		return false, err
	}
	for i := range agents {
		if err := st.sendSteps(ctx, agents[i].ID); err != nil {
			return false, err
		}
	}
	if st.agent != uuid.Nil {
		return st.sendAgent(ctx)
	}
	return st.sendRun(ctx)
}

func (st *stream) handle(ctx context.Context, ev events.Event) (done bool, err error) {
	switch ev.Kind {
	case events.KindStep:
		if st.agent != uuid.Nil && ev.Agent != st.agent {
			return false, nil
		}
		return false, st.sendSteps(ctx, ev.Agent)
	case events.KindAgent:
		if st.agent != uuid.Nil {
			// A finished agent may have stored its last steps just
			// before; send them ahead of the end.
			if err := st.sendSteps(ctx, st.agent); err != nil {
				return false, err
			}
			return st.sendAgent(ctx)
		}
		a, err := st.s.store.GetAgent(ctx, st.tenant, ev.Agent)
		if err != nil {
			return false, err
		}
		if a.RunID != st.run {
			return false, nil
		}
		return false, st.event("agent", "", viewAgent(a))
	case events.KindRun:
		if st.agent != uuid.Nil {
			return st.sendAgent(ctx)
		}
		agents, err := st.agents(ctx)
		if err != nil {
			return false, err
		}
		for i := range agents {
			if err := st.sendSteps(ctx, agents[i].ID); err != nil {
				return false, err
			}
		}
		return st.sendRun(ctx)
	}
	return false, nil
}

func (st *stream) agents(ctx context.Context) ([]store.Agent, error) {
	if st.agent != uuid.Nil {
		a, err := st.s.store.GetAgent(ctx, st.tenant, st.agent)
		if err != nil {
			return nil, err
		}
		return []store.Agent{*a}, nil
	}
	return st.s.store.ListAgents(ctx, st.tenant, st.run)
}

// sendSteps sends the agent's steps not sent yet.
func (st *stream) sendSteps(ctx context.Context, agent uuid.UUID) error {
	steps, err := st.s.store.ListSteps(ctx, st.tenant, agent)
	if err != nil {
		return err
	}
	for i := range steps {
		k := stepKey{agent, steps[i].Attempt, steps[i].Index}
		id := steps[i].CreatedAt.UnixMicro()
		if st.sent[k] || id <= st.after {
			continue
		}
		st.sent[k] = true
		if err := st.event("step", strconv.FormatInt(id, 10), st.s.viewStep(&steps[i])); err != nil {
			return err
		}
	}
	return nil
}

func (st *stream) sendAgent(ctx context.Context) (done bool, err error) {
	a, err := st.s.store.GetAgent(ctx, st.tenant, st.agent)
	if err != nil {
		return false, err
	}
	if err := st.event("agent", "", viewAgent(a)); err != nil {
		return false, err
	}
	return a.Status.Final(), nil
}

func (st *stream) sendRun(ctx context.Context) (done bool, err error) {
	run, err := st.s.store.GetRun(ctx, st.tenant, st.run)
	if err != nil {
		return false, err
	}
	agents, err := st.s.store.ListAgents(ctx, st.tenant, st.run)
	if err != nil {
		return false, err
	}
	if err := st.event("run", "", st.s.viewRun(run, agents)); err != nil {
		return false, err
	}
	// A run is finished when every agent is; the run's own status may be
	// refreshed a moment after the last agent's.
	finished := len(agents) > 0
	for i := range agents {
		finished = finished && agents[i].Status.Final()
	}
	return finished, nil
}

// finish ends the stream: `event: end` after a finished run or agent, or
// an error event when the store could not be read.
func (st *stream) finish(ctx context.Context, err error) {
	if err != nil {
		if ctx.Err() == nil {
			st.s.log.Warn("event stream ended by an error", "run", st.run, "error", err)
			_ = st.event("error", "", map[string]string{"detail": "the stream could not read the run; reconnect to resume"})
		}
		return
	}
	_ = st.event("end", "", map[string]string{"status": "finished"})
}

func (st *stream) event(name, id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	msg := "event: " + name + "\n"
	if id != "" {
		msg += "id: " + id + "\n"
	}
	return st.send(msg + "data: " + string(b) + "\n\n")
}

func (st *stream) send(msg string) error {
	if _, err := fmt.Fprint(st.w, msg); err != nil {
		return err
	}
	return st.rc.Flush()
}
