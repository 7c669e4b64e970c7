package browser_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
)

// latencies records one duration per iteration and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B, prefix string) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	pct := func(p float64) float64 {
		i := int(p * float64(len(s)-1))
		return float64(s[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.95), prefix+"p95-ms")
	b.ReportMetric(0, "ns/op") // percentiles say more than the mean here
}

// BenchmarkClickObserve is the agent's hot path: click an element by its
// index, then observe the page again, on a page of 300 buttons.
func BenchmarkClickObserve(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  browser.SessionConfig
	}{
		{"devtools", browser.SessionConfig{}},
		{"passthrough", browser.SessionConfig{DisableDirectCDP: true}},
		{"classic", browser.SessionConfig{DisableCDP: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx, s := open(b, c.cfg)
			srv := browsertest.NewServer(b)
			if err := s.Navigate(ctx, srv.URL("/buttons?n=300")); err != nil {
				b.Fatal(err)
			}
			o, err := s.Observe(ctx, browser.ObserveOptions{})
			if err != nil {
				b.Fatal(err)
			}
			var visible []int
			for _, e := range o.Elements {
				if e.InViewport && e.Role == "button" {
					visible = append(visible, e.Index)
				}
			}
			if len(o.Elements) != 300 || len(visible) == 0 {
				b.Fatalf("%d elements, %d visible", len(o.Elements), len(visible))
			}
			lat := latencies{}
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if _, err := s.Click(ctx, browser.ByIndex(visible[i%len(visible)])); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Observe(ctx, browser.ObserveOptions{}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			lat.report(b, "")
			// Every click was a trusted click the page counted.
			raw, err := s.ExecuteScript(ctx, "return +document.getElementById('count').textContent")
			if err != nil || string(raw) != jsonInt(len(lat)) {
				b.Errorf("page counted %s clicks, want %d (%v)", raw, len(lat), err)
			}
		})
	}
}

func jsonInt(n int) string {
	v, _ := json.Marshal(n)
	return string(v)
}

// BenchmarkObserve measures one observation on the benchmark page and on
// the realistic sample pages.
func BenchmarkObserve(b *testing.B) {
	ctx, s := open(b, browser.SessionConfig{})
	srv := browsertest.NewServer(b)
	pages := []string{"/buttons?n=300"}
	for _, n := range browsertest.SamplePages() {
		pages = append(pages, "/sample/"+n)
	}
	for _, p := range pages {
		b.Run(strings.TrimPrefix(strings.ReplaceAll(p, "?n=", "-"), "/"), func(b *testing.B) {
			if err := s.Navigate(ctx, srv.URL(p)); err != nil {
				b.Fatal(err)
			}
			lat := latencies{}
			for b.Loop() {
				start := time.Now()
				if _, err := s.Observe(ctx, browser.ObserveOptions{}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			lat.report(b, "")
		})
	}
}

func BenchmarkScreenshot(b *testing.B) {
	ctx, s := open(b, browser.SessionConfig{})
	srv := browsertest.NewServer(b)
	if err := s.Navigate(ctx, srv.URL("/sample/shop")); err != nil {
		b.Fatal(err)
	}
	lat := latencies{}
	for b.Loop() {
		start := time.Now()
		if _, err := s.Screenshot(ctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	lat.report(b, "")
}

// BenchmarkSessionLifecycle measures what an agent waits for before its
// first step (local provider: chromedriver + Chromium start, first page
// load) and how long destroying the browser takes.
func BenchmarkSessionLifecycle(b *testing.B) {
	p, err := local.New(local.Config{})
	if err != nil {
		b.Skip(err)
	}
	ctx := b.Context()
	defer p.Close(ctx)
	srv := browsertest.NewServer(b)
	var start, closing latencies
	for b.Loop() {
		t0 := time.Now()
		s, err := p.Acquire(ctx, browser.AcquireOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Navigate(ctx, srv.URL("/form")); err != nil {
			b.Fatal(err)
		}
		start = append(start, time.Since(t0))
		t1 := time.Now()
		if err := s.Close(ctx); err != nil {
			b.Fatal(err)
		}
		closing = append(closing, time.Since(t1))
	}
	start.report(b, "start-")
	closing.report(b, "close-")
}
