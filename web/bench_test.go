package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/web"
)

// BenchmarkPages measures the server time of the busiest pages in a tenant
// with 1,000 tests and 10,000 agents (100 runs of 100 tests), calling the
// handler directly (session lookup, store reads, template) and reporting
// the 95th percentile of the iterations:
//
//	go test ./web -run '^$' -bench Pages -benchtime 200x
func BenchmarkPages(b *testing.B) {
	e := newEnv(b, envOptions{})
	p, err := e.st.CreateProject(e.ctx, e.tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "http://shop.test"})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]uuid.UUID, 1000)
	for i := range ids {
		t, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: fmt.Sprintf("Checkout path %04d", i),
			Goal: fmt.Sprintf("Buy item %d and check the order confirmation", i), Tags: []string{"smoke", fmt.Sprintf("group-%d", i%10)},
			Steps: []string{`click "Shop"`, `expect text "Cart"`}})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = t.ID
	}
	var run *store.Run
	var agents []store.Agent
	for r := 0; r < 100; r++ {
		run, agents = e.seedRun(p, ids[r*9:r*9+100]...)
	}
	// The last run is under way: half its agents finished, one with a
	// 40-step timeline.
	for i, a := range agents[:50] {
		w := e.worker(a)
		w.start()
		if i == 0 {
			for s := 1; s <= 40; s++ {
				w.step(s, "I look for the cart link in the header.", "click", "The cart opened.", pngBytes())
			}
		}
		w.finish(store.StatusPassed, "Bought the item.", "")
	}
	sess, err := e.st.CreateSession(e.ctx, e.member.ID, e.tenant.ID)
	if err != nil {
		b.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"tests-list", "/projects/" + p.ID.String() + "/tests"},
		{"tests-search", "/projects/" + p.ID.String() + "/tests?q=path+09&tag=smoke"},
		{"run-page", "/runs/" + run.ID.String()},
		{"agent-page", "/agents/" + agents[0].ID.String()},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, pg.path, nil)
				req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: sess.Token})
				rec := httptest.NewRecorder()
				start := time.Now()
				e.h.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", pg.path, rec.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		})
	}
}
