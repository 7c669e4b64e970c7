package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// RunWatcher receives what changes while a run (or one of its agents) is
// followed. A front end renders each call as it likes; an error ends the
// follow.
type RunWatcher interface {
	// Step gets each step not passed on before.
	Step(st *store.Step) error
	// Agent gets an agent as it is now.
	Agent(ag *store.Agent) error
	// Run gets the run and its agents as they are now; never called when
	// one agent is followed.
	Run(run *store.Run, agents []store.Agent) error
	// Heartbeat is called when nothing changed for the heartbeat
	// interval, so the front end can keep its connection alive.
	Heartbeat() error
}

// Follow says what to follow.
type Follow struct {
	// Run is followed with all its agents, or, when Agent is set, just
	// that agent (Run is then found from it).
	Run   uuid.UUID
	Agent uuid.UUID
	// Steps asks for steps; pages that show only statuses leave it off.
	Steps bool
	// After skips steps created at or before this time (UnixMicro), to
	// resume a stream (Last-Event-ID).
	After int64
	// Done ends the follow early, e.g. when the server shuts down.
	Done <-chan struct{}
}

// FollowRun passes the current state of a run (or agent) to w, then every
// change, until it finishes (finished=true: every agent of the run, or the
// agent, reached an end state), ctx ends or f.Done closes. It subscribes
// before the first read, so no change between them is missed, and re-reads
// rows through the tenant-scoped store on every signal: events carry ids
// only, and a dropped one only delays an update.
func (a *App) FollowRun(ctx context.Context, p *Principal, f Follow, w RunWatcher) (finished bool, err error) {
	fo := &follower{a: a, tenant: p.TenantID, f: f, w: w, sent: map[stepKey]bool{}}
	if f.Agent != uuid.Nil {
		ag, err := a.store.GetAgent(ctx, p.TenantID, f.Agent)
		if err != nil {
			return false, err
		}
		fo.f.Run = ag.RunID
	} else if _, err := a.store.GetRun(ctx, p.TenantID, f.Run); err != nil {
		return false, err
	}
	sub := a.cfg.Hub.Subscribe(p.TenantID, fo.f.Run, f.Agent)
	defer sub.Close()

	done, err := fo.catchUp(ctx)
	if err != nil || done {
		return done, err
	}
	heartbeat := time.NewTicker(a.cfg.HeartbeatInterval)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case <-f.Done:
			return false, nil
		case <-fo.a.closing:
			return false, nil
		case <-heartbeat.C:
			if err := w.Heartbeat(); err != nil {
				return false, err
			}
		case ev := <-sub.C:
			done, err := fo.handle(ctx, ev)
			if err != nil || done {
				return done, err
			}
		}
	}
}

type follower struct {
	a      *App
	tenant uuid.UUID
	f      Follow
	w      RunWatcher
	sent   map[stepKey]bool
}

type stepKey struct {
	agent          uuid.UUID
	attempt, index int
}

func (fo *follower) oneAgent() bool { return fo.f.Agent != uuid.Nil }

// catchUp passes the current state: every step so far, then the agent or
// the run.
func (fo *follower) catchUp(ctx context.Context) (bool, error) {
	if fo.oneAgent() {
		if err := fo.steps(ctx, fo.f.Agent); err != nil {
			return false, err
		}
		return fo.agent(ctx)
	}
	return fo.run(ctx)
}

func (fo *follower) handle(ctx context.Context, ev events.Event) (bool, error) {
	if fo.oneAgent() {
		switch ev.Kind {
		case events.KindStep:
			return false, fo.steps(ctx, fo.f.Agent)
		case events.KindAgent, events.KindRun:
			// A finished agent may have stored its last steps just before;
			// they go ahead of the end.
			if err := fo.steps(ctx, fo.f.Agent); err != nil {
				return false, err
			}
			return fo.agent(ctx)
		}
		return false, nil
	}
	switch ev.Kind {
	case events.KindStep, events.KindAgent:
		ag, err := fo.a.store.GetAgent(ctx, fo.tenant, ev.Agent)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil || ag.RunID != fo.f.Run {
			return false, err
		}
		if err := fo.steps(ctx, ag.ID); err != nil {
			return false, err
		}
		return false, fo.w.Agent(ag)
	case events.KindRun:
		return fo.run(ctx)
	}
	return false, nil
}

// steps passes on the agent's steps not passed on yet.
func (fo *follower) steps(ctx context.Context, agent uuid.UUID) error {
	if !fo.f.Steps {
		return nil
	}
	steps, err := fo.a.store.ListSteps(ctx, fo.tenant, agent)
	if err != nil {
		return err
	}
	for i := range steps {
		k := stepKey{agent, steps[i].Attempt, steps[i].Index}
		if fo.sent[k] || steps[i].CreatedAt.UnixMicro() <= fo.f.After {
			continue
		}
		fo.sent[k] = true
		if err := fo.w.Step(&steps[i]); err != nil {
			return err
		}
	}
	return nil
}

func (fo *follower) agent(ctx context.Context) (bool, error) {
	ag, err := fo.a.store.GetAgent(ctx, fo.tenant, fo.f.Agent)
	if err != nil {
		return false, err
	}
	if err := fo.w.Agent(ag); err != nil {
		return false, err
	}
	return ag.Status.Final(), nil
}

func (fo *follower) run(ctx context.Context) (bool, error) {
	run, err := fo.a.store.GetRun(ctx, fo.tenant, fo.f.Run)
	if err != nil {
		return false, err
	}
	agents, err := fo.a.store.ListAgents(ctx, fo.tenant, fo.f.Run)
	if err != nil {
		return false, err
	}
	for i := range agents {
		if err := fo.steps(ctx, agents[i].ID); err != nil {
			return false, err
		}
	}
	if err := fo.w.Run(run, agents); err != nil {
		return false, err
	}
	return RunFinished(agents), nil
}

// publishAgent tells live views that an agent and its run changed.
func (a *App) publishAgent(ctx context.Context, tenant uuid.UUID, ag *store.Agent) {
	pool := a.store.Pool()
	for _, ev := range []events.Event{
		{Kind: events.KindAgent, Tenant: tenant, Run: ag.RunID, Agent: ag.ID},
		{Kind: events.KindRun, Tenant: tenant, Run: ag.RunID},
	} {
		if err := events.Publish(ctx, pool, ev); err != nil {
			a.log.Warn("publishing a change", "kind", ev.Kind, "error", err)
		}
	}
}
