package server_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/argusqa/argus/server"
)

// BenchmarkGetAgent drives GET /api/v1/agents/{id} over a real loopback
// listener with 8 and 32 concurrent keep-alive clients authenticating with
// a bearer key (the CI case), and reports requests per second and latency
// percentiles. The whole stack runs: key lookup (cached for the default
// 5 s), tenant transaction, JSON, gzip negotiation, metrics.
//
//	go test ./server -run '^$' -bench GetAgent -benchtime 20000x
func BenchmarkGetAgent(b *testing.B) {
	e := newEnv(b, func(c *server.Config) { c.APIKeyCacheTTL = 0 })
	a := e.world("acme")
	for _, clients := range []int{8, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchGet(b, e, a, clients) })
	}
}

func benchGet(b *testing.B, e *env, a *tenantWorld, clients int) {
	url := e.url + "/api/v1/agents/" + a.agent.ID.String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}}
	get := func() (time.Duration, error) {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+a.memberKey.Plaintext)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	for range clients { // warm the connections and the pool
		if _, err := get(); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([][]time.Duration, clients)
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				d, err := get()
				if err != nil {
					b.Error(err)
					return
				}
				lat[c] = append(lat[c], d)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
