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
	allOfA := hub.Subscribe(tenantA, uuid.Nil, uuid.Nil)
	defer allOfA.Close()
	allOfB := hub.Subscribe(tenantB, uuid.Nil, uuid.Nil)
	defer allOfB.Close()
	otherRun := hub.Subscribe(tenantA, uuid.New(), uuid.Nil)
	defer otherRun.Close()

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
	// Dispatch is one pass over the subscribers: once mine has the
	// event, every other subscriber has it or never will.
	if ev := <-allOfA.C; ev.Agent != agent {
		t.Fatalf("tenant-wide subscription got %+v", ev)
	}
	for name, s := range map[string]*Subscription{"tenant B's run": other, "all of tenant B": allOfB, "another run of tenant A": otherRun} {
		select {
		case ev := <-s.C:
			t.Fatalf("%s received %+v", name, ev)
		default:
		}
	}
	cancel()
	<-done
}
