package webhook_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/store"
)

// A receiver that never answers costs one attempt of Config.Timeout, and
// the attempt is recorded as a timeout to be retried.
func TestSlowReceiverTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	const timeout = 300 * time.Millisecond
	f := newFixture(t, srv.URL+"/hook", webhook.Config{Guard: loopbackOnly, Timeout: timeout})
	f.publishAgent(t)
	ev := f.nextEvent(t)
	if ev.Kind != river.EventKindJobFailed || ev.Job.Attempt != 1 {
		t.Fatalf("after a timeout: %s attempt %d", ev.Kind, ev.Job.Attempt)
	}
	// Retried about 79 s later (default window), not at once.
	if d := time.Until(ev.Job.ScheduledAt); d < 60*time.Second || d > 100*time.Second {
		t.Errorf("next attempt in %v, want about 79 s", d)
	}
	ds := f.deliveries(t)
	if len(ds) != 1 {
		t.Fatalf("%d attempts recorded", len(ds))
	}
	d := ds[0]
	if d.StatusCode != nil || !strings.Contains(d.Error, "no answer within 300ms") || d.LatencyMS == nil ||
		*d.LatencyMS < int(timeout.Milliseconds()) || *d.LatencyMS > 5000 {
		t.Fatalf("recorded: status %v, error %q, latency %v", d.StatusCode, d.Error, d.LatencyMS)
	}
}

// Only the first 1 KB of an answer is kept, and binary answers are stored
// as valid text.
func TestResponseExcerptIsCut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "\x00\xff"+strings.Repeat("é", 3000))
	}))
	t.Cleanup(srv.Close)
	f := newFixture(t, srv.URL, webhook.Config{Guard: loopbackOnly})
	f.publishAgent(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobFailed {
		t.Fatalf("after a 500: %s", ev.Kind)
	}
	d := f.deliveries(t)[0]
	if *d.StatusCode != 500 || len(d.ResponseExcerpt) > store.MaxResponseExcerpt || len(d.ResponseExcerpt) < 1000 ||
		!strings.HasPrefix(d.ResponseExcerpt, "\uFFFDé") {
		t.Fatalf("excerpt of %d bytes: %q…", len(d.ResponseExcerpt), d.ResponseExcerpt[:min(20, len(d.ResponseExcerpt))])
	}
}

func TestRedeliverIsTenantScoped(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	f.publishAgent(t)
	rcv.next(t)
	f.nextEvent(t)
	d := f.deliveries(t)[0]
	other, err := f.st.CreateTenant(f.ctx, "Other", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := webhook.Redeliver(f.ctx, f.st, f.river, other.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another tenant's redelivery: %v", err)
	}
	if err := webhook.Redeliver(f.ctx, f.st, f.river, f.tenant, uuid.New()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown delivery: %v", err)
	}
}

// A URL that is no http(s) URL (written around the API) is not retried.
func TestUnusableURLIsNotRetried(t *testing.T) {
	f := newFixture(t, "https://hooks.example.com/x", webhook.Config{Guard: loopbackOnly})
	if _, err := f.pool.Exec(f.ctx, `UPDATE projects SET webhook_url = 'gopher://hooks.example.com/x' WHERE id = $1`, f.project.ID); err != nil {
		t.Fatal(err)
	}
	f.publishAgent(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCancelled {
		t.Fatalf("job: %s", ev.Kind)
	}
	if ds := f.deliveries(t); len(ds) != 1 || !strings.Contains(ds[0].Error, "absolute http(s) URL") {
		t.Fatalf("recorded: %+v", ds)
	}
}
