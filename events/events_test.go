package events

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestPublishReachesMatchingSubscribersOnly(t *testing.T) {
	pool := pgtest.Migrated(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	hub := NewHub(pool, nil)
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() { _ = hub.Run(ctx, ready); close(done) }()
	<-ready

	tenantA, tenantB, run, agent := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	mine := hub.Subscribe(tenantA, run, uuid.Nil)
	defer mine.Close()
	other := hub.Subscribe(tenantB, run, uuid.Nil)
	defer other.Close()

	if err := Publish(ctx, pool, Event{Kind: KindStep, Tenant: tenantA, Run: run, Agent: agent, Index: 3}); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-mine.C:
		if ev.Kind != KindStep || ev.Agent != agent || ev.Index != 3 {
			t.Fatalf("got %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	select {
	case ev := <-other.C:
		t.Fatalf("tenant B received tenant A's event %+v", ev)
	default:
	}
	cancel()
	<-done
}
