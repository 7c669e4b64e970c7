package server_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/server/ratelimit"
)

type steppedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *steppedClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *steppedClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// from returns an HTTP client whose connections come from the loopback
// address local, a second client as far as the server can tell.
func from(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableCompression: true, MaxIdleConnsPerHost: 64}}
}

// The load test, by counts on a stepped clock: a burst of 50 is
// served, the 51st refused with 429 problem+json and Retry-After; a second
// later 30 more are served and the 31st refused; probes are never refused;
// a key is held to its limit from any address; an 11th request in flight
// is refused.
func TestRateLimits(t *testing.T) {
	c := &steppedClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(cfg *envConfig) {
		cfg.Server.RateLimit = ratelimit.Config{Now: c.now}
	})
	w := e.world("acme")
	k := key(w.memberKey)

	count := func(n int, path string, cr cred) (ok int, refusal *response) {
		t.Helper()
		for range n {
			r := e.do("GET", path, cr, nil)
			switch r.status {
			case http.StatusOK:
				ok++
			case http.StatusTooManyRequests:
				refusal = r
			default:
				t.Fatalf("GET %s: %d %s", path, r.status, r.body)
			}
		}
		return ok, refusal
	}
	if ok, refusal := count(51, "/api/v1/me", k); ok != 50 || refusal == nil {
		t.Fatalf("burst: %d of 51 served; want 50", ok)
	} else if !isProblem(refusal) || refusal.header.Get("Retry-After") != "1" {
		t.Fatalf("refusal: %v %s", refusal.header, refusal.body)
	}
	if ok, _ := count(5, "/healthz", cred{}); ok != 5 {
		t.Fatalf("/healthz refused while the client is over its limit")
	}
	if ok, _ := count(3, "/metrics", cred{}); ok != 3 {
		t.Fatalf("/metrics refused while the client is over its limit")
	}
	c.add(time.Second)
	if ok, refusal := count(31, "/api/v1/me", k); ok != 30 || refusal == nil {
		t.Fatalf("a second later: %d of 31 served; want 30", ok)
	}

	// 127.0.0.2 is a fresh address, but the key is spent.
	other := from("127.0.0.2")
	get := func(cl *http.Client, path string, bearer string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", e.url+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(other, "/api/v1/me", w.memberKey.Plaintext); code != http.StatusTooManyRequests {
		t.Fatalf("spent key from a second address: %d", code)
	}
	if code := get(other, "/api/v1/me", w.adminKey.Plaintext); code != http.StatusOK {
		t.Fatalf("another key from a second address: %d", code)
	}

	// Ten event streams stay open; the 11th request of that address is
	// refused while they do.
	c.add(10 * time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	streams := from("127.0.0.3")
	for i := range 10 {
		req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/api/v1/runs/"+w.run.ID.String()+"/events", nil)
		req.Header.Set("Authorization", "Bearer "+w.adminKey.Plaintext)
		resp, err := streams.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %d", i+1, resp.StatusCode)
		}
		defer resp.Body.Close()
		// The first event proves the handler is running (in flight).
		if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	if code := get(streams, "/api/v1/projects", w.adminKey.Plaintext); code != http.StatusTooManyRequests {
		t.Fatalf("11th concurrent request: %d", code)
	}
	if code := get(streams, "/readyz", ""); code != http.StatusOK {
		t.Fatalf("/readyz refused under the concurrency cap: %d", code)
	}
}

// X-Forwarded-For counts only from a trusted proxy.
func TestRateLimitTrustedProxy(t *testing.T) {
	c := &steppedClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(cfg *envConfig) {
		cfg.Server.RateLimit = ratelimit.Config{Now: c.now, Rate: 1, Burst: 2,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	})
	status := func(cl *http.Client, xff string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", e.url+"/api/v1/openapi.json", nil)
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	proxy, direct := from("127.0.0.1"), from("127.0.0.2")
	var codes []string
	for _, xff := range []string{"198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.2"} {
		codes = append(codes, strconv.Itoa(status(proxy, xff)))
	}
	// Through the proxy: per forwarded address.
	if got := codes; got[0] != "200" || got[1] != "200" || got[2] != "429" || got[3] != "200" {
		t.Fatalf("through the trusted proxy: %v", got)
	}
	codes = nil
	for _, xff := range []string{"198.51.100.3", "198.51.100.4", "198.51.100.5"} {
		codes = append(codes, strconv.Itoa(status(direct, xff)))
	}
	// Directly: the header is ignored, the peer is counted.
	if got := codes; got[0] != "200" || got[1] != "200" || got[2] != "429" {
		t.Fatalf("from an untrusted peer: %v", got)
	}
}
