package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkGetAgent drives GET /api/v1/agents/{id} over a real loopback
// listener with 8 and 32 concurrent keep-alive clients authenticating with
// a bearer key (the CI case), and reports requests per second and latency
// percentiles. The whole stack runs: key lookup (cached for the default
// 5 s), tenant transaction, JSON, gzip negotiation, metrics.
//
//	go test ./server -run '^$' -bench GetAgent -benchtime 20000x
func BenchmarkGetAgent(b *testing.B) {
	e := newEnv(b, func(c *envConfig) { c.App.APIKeyCacheTTL = 0 })
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
	pgBefore := pgCPU(b, e)
	var ruBefore syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ruBefore)
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
	var ruAfter syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ruAfter)
	procCPU := cpuOf(ruAfter) - cpuOf(ruBefore)
	pgUsed := pgCPU(b, e) - pgBefore
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	// CPU per request does not depend on what else the machine runs:
	// this process (server and load generator together) and the
	// PostgreSQL backends serving it.
	b.ReportMetric(float64(procCPU.Microseconds())/float64(len(all)), "proc-cpu-µs/req")
	b.ReportMetric(float64(pgUsed.Microseconds())/float64(len(all)), "pg-cpu-µs/req")
}

func cpuOf(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pgCPU sums the CPU time of the PostgreSQL backends connected to the
// benchmark's database, from /proc (Linux; zero elsewhere).
func pgCPU(b *testing.B, e *env) time.Duration {
	rows, err := e.store.Pool().Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		b.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command name (which may hold spaces): utime
		// and stime are fields 14 and 15, in clock ticks (100 Hz).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return total
}
