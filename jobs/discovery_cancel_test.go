package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestCancelRunningDiscovery cancels a discovery in real Chromium while
// its browsers wait on pages that never finish loading: the job ends
// cancelled, every browser is closed (the held requests see their
// clients go), the row is cancelled with the pages counted so far and
// the integrations hear of it once. A repeated cancel changes nothing;
// another tenant cannot cancel it.
func TestCancelRunningDiscovery(t *testing.T) {
	ctx := context.Background()
	const held = 4 // more pages that hang than browsers, so every one is stuck
	reached := make(chan struct{}, held)
	released := make(chan struct{}, held)
	mux := http.NewServeMux()
	links := ""
	for i := range held {
		links += fmt.Sprintf(`<a href="/hang/%d">Hang %d</a> `, i, i)
	}
	mux.HandleFunc("GET /{$}", page("Shop", `<h1>Shop</h1>`+links))
	mux.HandleFunc("GET /hang/{n}", func(w http.ResponseWriter, r *http.Request) {
		reached <- struct{}{}
		// Held until the browser that asked is gone (or the test ends).
		<-r.Context().Done()
		released <- struct{}{}
	})
	srv := newApp(t, mux)
	f := newFixture(t, srv.URL)
	browsers := localBrowsers(t, 2)
	var mu sync.Mutex
	var told []*store.Discovery
	j := f.newJobs(jobs.Config{Browser: browsers, MaxAgents: 2, DiscoveryFinished: func(_ context.Context, _ *river.Client[pgx.Tx], d *store.Discovery) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, d)
	}})
	events := subscribe(j)
	d, err := f.store.CreateDiscovery(ctx, f.tenant.ID, f.project.ID, store.DiscoveryInput{MaxPages: 20}, j.EnqueueDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	start(t, j)
	// Both browsers are stuck on a hanging page: the crawl is mid-way.
	for range 2 {
		select {
		case <-reached:
		case <-time.After(60 * time.Second):
			t.Fatal("the discovery never reached the hanging pages")
		}
	}

	// Another tenant cannot cancel it, nor learn it exists.
	other, err := f.store.CreateTenant(ctx, "Other", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.CancelDiscovery(ctx, other.ID, d.ID); err == nil {
		t.Fatal("another tenant cancelled the discovery")
	}
	began := time.Now()
	cancelled, err := j.CancelDiscovery(ctx, f.tenant.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cancelled.Status != store.DiscoveryCancelled || cancelled.FinishedAt == nil || cancelled.Error == "" {
		t.Fatalf("cancelled: %+v", cancelled)
	}
	ev := discoveryJobEnd(t, events, 30*time.Second)
	// Logged, not asserted: a figure of the machine's load as much as of
	// the code.
	t.Logf("cancel → job ended, browsers closed: %v", time.Since(began).Round(time.Millisecond))
	if ev.Job.State != rivertype.JobStateCancelled {
		t.Errorf("job state %s, want cancelled", ev.Job.State)
	}
	// The job has returned, so its browsers are closed.
	if n := browsers.InUse(); n != 0 {
		t.Errorf("%d browsers still in use after the job ended", n)
	}
	for range 2 {
		select {
		case <-released:
		case <-time.After(30 * time.Second):
			t.Fatal("a hanging page still has its browser")
		}
	}
	now, err := f.store.GetDiscovery(ctx, f.tenant.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now.Status != store.DiscoveryCancelled || now.Error != cancelled.Error || len(now.AppMap) != 0 {
		t.Errorf("after the job: %+v (the worker's end must not overwrite the cancellation)", now)
	}
	again, err := j.CancelDiscovery(ctx, f.tenant.ID, d.ID)
	if err != nil || again.Status != store.DiscoveryCancelled || !again.FinishedAt.Equal(*now.FinishedAt) {
		t.Errorf("second cancel: %+v %v", again, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 1 || told[0].Status != store.DiscoveryCancelled {
		t.Errorf("integrations told %d times: %+v", len(told), told)
	}
}

// TestCancelQueuedDiscovery cancels a discovery no worker has taken: its
// job is cancelled in the queue and it never runs.
func TestCancelQueuedDiscovery(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	j := f.newJobs(jobs.Config{Browser: &fakeProvider{}})
	d, err := f.store.CreateDiscovery(ctx, f.tenant.ID, f.project.ID, store.DiscoveryInput{MaxPages: 5}, j.EnqueueDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.CancelDiscovery(ctx, f.tenant.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	var state string
	if err := f.pool.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'discovery' AND args->>'discovery_id' = $1`, d.ID.String()).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != string(rivertype.JobStateCancelled) {
		t.Errorf("queued job state %s", state)
	}
	if now, _ := f.store.GetDiscovery(ctx, f.tenant.ID, d.ID); now.Status != store.DiscoveryCancelled || now.StartedAt != nil {
		t.Errorf("discovery: %+v", now)
	}
}

// TestCancelledDiscoveryRowEndsCrawl: a discovery cancelled in the
// database only (its job left alone) stops at its next recorded page,
// and its job ends cancelled.
func TestCancelledDiscoveryRowEndsCrawl(t *testing.T) {
	ctx := context.Background()
	mux := http.NewServeMux()
	gate := make(chan struct{})
	first := make(chan struct{}, 1)
	links := ""
	for i := range 30 {
		links += fmt.Sprintf(`<a href="/p/%d">Page %d</a> `, i, i)
	}
	mux.HandleFunc("GET /{$}", page("Shop", `<h1>Shop</h1>`+links))
	mux.HandleFunc("GET /p/{n}", func(w http.ResponseWriter, r *http.Request) {
		select {
		case first <- struct{}{}:
		default:
		}
		// Every page after the home page waits for the test's go.
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		page("Page", `<h1>Page</h1>`+links)(w, r)
	})
	srv := newApp(t, mux)
	f := newFixture(t, srv.URL)
	browsers := localBrowsers(t, 1)
	j := f.newJobs(jobs.Config{Browser: browsers, MaxAgents: 1})
	events := subscribe(j)
	d, err := f.store.CreateDiscovery(ctx, f.tenant.ID, f.project.ID, store.DiscoveryInput{MaxPages: 30}, j.EnqueueDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	start(t, j)
	select {
	case <-first:
	case <-time.After(60 * time.Second):
		t.Fatal("the discovery never left the home page")
	}
	if _, err := f.store.CancelDiscovery(ctx, f.tenant.ID, d.ID, "cancelled in the database"); err != nil {
		t.Fatal(err)
	}
	close(gate) // the crawl goes on, records its next page and notices
	ev := discoveryJobEnd(t, events, 60*time.Second)
	if ev.Job.State != rivertype.JobStateCancelled {
		t.Errorf("job state %s, want cancelled", ev.Job.State)
	}
	now, _ := f.store.GetDiscovery(ctx, f.tenant.ID, d.ID)
	if now.Status != store.DiscoveryCancelled || now.Pages >= 30 {
		t.Errorf("discovery: status %s, %d pages", now.Status, now.Pages)
	}
	if n := browsers.InUse(); n != 0 {
		t.Errorf("%d browsers still in use", n)
	}
}

// discoveryJobEnd waits, at most within, for the discovery job's end.
func discoveryJobEnd(t *testing.T, events <-chan *river.Event, within time.Duration) *river.Event {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case e := <-events:
			if e.Job.Kind == (jobs.DiscoveryArgs{}).Kind() {
				return e
			}
		case <-timeout:
			t.Fatal("the discovery job did not end")
		}
	}
}
