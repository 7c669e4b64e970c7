//go:build chaos

package webhook_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/integrations/webhook"
)

// TestChaosReceiverDownForAnHour (make chaos): the receiver refuses
// connections for an hour of simulated time — every retry River schedules
// on the 24 h backoff is run at once instead of waited for, and the
// scheduled waits are added up — then comes back. The delivery succeeds
// on the next attempt with the same webhook-id and body, and every
// attempt is in the delivery log under that id.
func TestChaosReceiverDownForAnHour(t *testing.T) {
	rcv := downReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	f.publishAgent(t)

	var down time.Duration
	attempt := 0
	for down < time.Hour {
		attempt++
		ev := f.nextEvent(t)
		if ev.Kind != river.EventKindJobFailed || ev.Job.Attempt != attempt {
			t.Fatalf("attempt %d: %s attempt %d", attempt, ev.Kind, ev.Job.Attempt)
		}
		wait := time.Until(ev.Job.ScheduledAt)
		if wait <= 0 {
			t.Fatalf("attempt %d: retry not scheduled in the future (%v)", attempt, wait)
		}
		down += wait
		if _, err := f.river.JobRetry(f.ctx, ev.Job.ID); err != nil {
			t.Fatal(err)
		}
	}
	rcv.up(t)
	got := rcv.next(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCompleted || ev.Job.Attempt != attempt+1 {
		t.Fatalf("after the receiver came back: %s attempt %d", ev.Kind, ev.Job.Attempt)
	}
	id := got.header.Get("webhook-id")
	if err := verifier(t, f.secret).Verify(got.body, got.header); err != nil {
		t.Fatal(err)
	}
	ds := f.deliveries(t)
	if len(ds) != attempt+1 {
		t.Fatalf("%d attempts in the delivery log, want %d", len(ds), attempt+1)
	}
	for i, d := range ds {
		if d.EventID != id || d.Attempt != i+1 {
			t.Errorf("log entry %d: %+v, want event %s attempt %d", i, d, id, i+1)
		}
	}
	if ds[len(ds)-1].StatusCode == nil || *ds[len(ds)-1].StatusCode != 200 {
		t.Errorf("last attempt: %+v", ds[len(ds)-1])
	}
	t.Logf("CHAOS receiver down %v simulated (%d refused attempts) → delivered on attempt %d, webhook-id %s kept, %d log entries", down.Round(time.Second), attempt, attempt+1, id, len(ds))
}
