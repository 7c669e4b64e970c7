package events

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Hub listens on Channel with one connection and fans events out to
// in-process subscribers (one per open Server-Sent Events stream).
type Hub struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// Subscription receives the events of one tenant: of one run (and
// optionally one agent), or of all its runs.
type Subscription struct {
	hub    *Hub
	tenant uuid.UUID
	run    uuid.UUID
	agent  uuid.UUID
	// C delivers matching events. When the subscriber is too slow the
	// oldest undelivered event is dropped; a subscriber re-reads state from
	// the store on every event, so a lost signal only delays it.
	C chan Event
}

// NewHub returns a hub; Run starts listening.
func NewHub(pool *pgxpool.Pool, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub{pool: pool, log: log, subs: map[*Subscription]struct{}{}}
}

// Subscribe returns a subscription to a tenant's run; agent uuid.Nil means
// every agent of the run, run uuid.Nil every run of the tenant (a
// project's board follows all of them). Close it when done.
func (h *Hub) Subscribe(tenant, run, agent uuid.UUID) *Subscription {
	s := &Subscription{hub: h, tenant: tenant, run: run, agent: agent, C: make(chan Event, 64)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close stops the subscription.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	delete(s.hub.subs, s)
	s.hub.mu.Unlock()
}

func (h *Hub) dispatch(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.tenant != ev.Tenant || (s.run != uuid.Nil && s.run != ev.Run) || (s.agent != uuid.Nil && ev.Agent != uuid.Nil && s.agent != ev.Agent) {
			continue
		}
		select {
		case s.C <- ev:
		default:
			select {
			case <-s.C:
			default:
			}
			select {
			case s.C <- ev:
			default:
			}
		}
	}
}

// Run listens until ctx ends, reconnecting after a lost connection. ready,
// if not nil, is closed once the first LISTEN is in place.
func (h *Hub) Run(ctx context.Context, ready chan<- struct{}) error {
	backoff := 100 * time.Millisecond
	for {
		err := h.listen(ctx, &ready)
		if ctx.Err() != nil {
			return nil
		}
		h.log.Warn("event listener lost its connection; reconnecting", "error", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (h *Hub) listen(ctx context.Context, ready *chan<- struct{}) error {
	pooled, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection will hold LISTEN state; it must not go back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	if *ready != nil {
		close(*ready)
		*ready = nil
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var ev Event
		if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil || ev.Tenant == uuid.Nil {
			h.log.Warn("ignoring a malformed event", "error", errors.Join(err))
			continue
		}
		h.dispatch(ev)
	}
}
