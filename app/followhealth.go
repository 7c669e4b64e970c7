package app

import (
	"context"
	"errors"
	"reflect"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

// HealthWatcher receives a project's health board as it changes.
type HealthWatcher interface {
	// Board gets the cards that changed since the previous call (every
	// card on the first), the ids of cards that left the board (deleted
	// tests, or ones the filter no longer keeps), and how many cards are
	// failing now.
	Board(changed []api.TestHealth, gone []uuid.UUID, failing int) error
	// Heartbeat is called when nothing changed for the heartbeat interval.
	Heartbeat() error
}

// FollowHealth passes a project's board, as req filters it, to w, then
// every card that changes: a run of the project starts, an agent ends, a
// test is run from anywhere. It returns when ctx ends, done closes or the
// App closes its streams. Like FollowRun it subscribes before the first
// read and re-reads the board through the tenant-scoped store on a
// signal; a burst of signals (every agent of a large run) costs one read.
func (a *App) FollowHealth(ctx context.Context, p *Principal, req HealthRequest, done <-chan struct{}, w HealthWatcher) error {
	if _, err := a.store.GetProject(ctx, p.TenantID, req.Project); err != nil {
		return err
	}
	sub := a.cfg.Hub.Subscribe(p.TenantID, uuid.Nil, uuid.Nil)
	defer sub.Close()
	hw := &healthFollower{a: a, p: p, req: req, w: w, shown: map[uuid.UUID]api.TestHealth{}, runs: map[uuid.UUID]bool{}}
	if err := hw.refresh(ctx); err != nil {
		return err
	}
	heartbeat := time.NewTicker(a.cfg.HeartbeatInterval)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			return nil
		case <-a.closing:
			return nil
		case <-heartbeat.C:
			if err := w.Heartbeat(); err != nil {
				return err
			}
		case ev := <-sub.C:
			mine, err := hw.concerns(ctx, ev)
			// Whatever else is queued is read by the same refresh.
			for drained := false; !drained; {
				select {
				case more := <-sub.C:
					if !mine && err == nil {
						mine, err = hw.concerns(ctx, more)
					}
				default:
					drained = true
				}
			}
			if err != nil {
				return err
			}
			if mine {
				if err := hw.refresh(ctx); err != nil {
					return err
				}
			}
		}
	}
}

type healthFollower struct {
	a     *App
	p     *Principal
	req   HealthRequest
	w     HealthWatcher
	shown map[uuid.UUID]api.TestHealth
	sent  bool
	// runs remembers which runs belong to the project, so a busy tenant's
	// other projects cost one lookup per run, not one per event.
	runs map[uuid.UUID]bool
}

// concerns reports whether ev can change the board: a run or agent
// change of one of the project's runs (steps never change a card).
func (hw *healthFollower) concerns(ctx context.Context, ev events.Event) (bool, error) {
	if ev.Kind == events.KindStep {
		return false, nil
	}
	if mine, known := hw.runs[ev.Run]; known {
		return mine, nil
	}
	run, err := hw.a.store.GetRun(ctx, hw.p.TenantID, ev.Run)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	hw.runs[ev.Run] = run.ProjectID == hw.req.Project
	return hw.runs[ev.Run], nil
}

// refresh reads the board and passes on what differs from what was shown.
func (hw *healthFollower) refresh(ctx context.Context) error {
	cards, err := hw.a.ProjectHealth(ctx, hw.p, hw.req)
	if err != nil {
		return err
	}
	var changed []api.TestHealth
	failing := 0
	seen := make(map[uuid.UUID]bool, len(cards))
	for _, c := range cards {
		seen[c.Test.ID] = true
		if c.Status == HealthFailed || c.Status == HealthError {
			failing++
		}
		if prev, ok := hw.shown[c.Test.ID]; !ok || !reflect.DeepEqual(prev, c) {
			changed = append(changed, c)
			hw.shown[c.Test.ID] = c
		}
	}
	var gone []uuid.UUID
	for id := range hw.shown {
		if !seen[id] {
			gone = append(gone, id)
			delete(hw.shown, id)
		}
	}
	if hw.sent && len(changed) == 0 && len(gone) == 0 {
		return nil
	}
	hw.sent = true
	return hw.w.Board(changed, gone, failing)
}
