package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/server/ratelimit"
)

// clock is a stepped clock: the buckets see only the time the test sets.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func req(remote, key string, xff ...string) *http.Request {
	r := httptest.NewRequest("GET", "/api/v1/me", nil)
	r.RemoteAddr = remote
	if key != "" {
		r.Header.Set("Authorization", "Bearer "+key)
	}
	for _, h := range xff {
		r.Header.Add("X-Forwarded-For", h)
	}
	return r
}

// admitted counts how many of n requests are admitted, finishing each at
// once (so only the rate applies).
func admitted(l *ratelimit.Limiter, n int, r func() *http.Request) (ok int, last *ratelimit.Refusal) {
	for range n {
		done, refused := l.Admit(r())
		if refused != nil {
			last = refused
			continue
		}
		ok++
		done()
	}
	return ok, last
}

// The numbers: bursts up to 50 served, then 30 a second — the 31st
// request in a second is refused.
func TestBurstThenRate(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := ratelimit.New(ratelimit.Config{Now: c.now})
	from := func() *http.Request { return req("192.0.2.1:5000", "") }

	if ok, refused := admitted(l, 51, from); ok != 50 || refused == nil || refused.Concurrent || refused.RetryAfter != time.Second {
		t.Fatalf("burst: %d of 51 admitted, refusal %+v; want 50 and a 1 s rate refusal", ok, refused)
	}
	c.add(time.Second)
	if ok, refused := admitted(l, 31, from); ok != 30 || refused == nil {
		t.Fatalf("one second later: %d of 31 admitted; want 30", ok)
	}
	// Another client has its own bucket.
	if ok, _ := admitted(l, 50, func() *http.Request { return req("192.0.2.2:5000", "") }); ok != 50 {
		t.Fatalf("second client: %d of 50 admitted", ok)
	}
	// Quiet for long enough, the bucket is full again.
	c.add(2 * time.Second)
	if ok, _ := admitted(l, 51, from); ok != 50 {
		t.Fatalf("after a quiet spell: %d of 51 admitted; want 50", ok)
	}
}

// An 11th request in flight is refused; finishing one admits the next.
func TestConcurrencyCap(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := ratelimit.New(ratelimit.Config{Now: c.now})
	var dones []func()
	for i := range 10 {
		done, refused := l.Admit(req("192.0.2.1:5000", ""))
		if refused != nil {
			t.Fatalf("request %d in flight refused: %+v", i+1, refused)
		}
		dones = append(dones, done)
	}
	if _, refused := l.Admit(req("192.0.2.1:5001", "")); refused == nil || !refused.Concurrent {
		t.Fatalf("11th concurrent request: refusal %+v; want a concurrency refusal", refused)
	}
	dones[0]()
	dones[0]() // a second call must not free a second slot
	done, refused := l.Admit(req("192.0.2.1:5002", ""))
	if refused != nil {
		t.Fatalf("after one finished: %+v", refused)
	}
	if _, refused := l.Admit(req("192.0.2.1:5003", "")); refused == nil {
		t.Fatal("a double done freed two slots")
	}
	done()
	for _, d := range dones[1:] {
		d()
	}
}

// A key is limited wherever it is used from; a refusal by the key costs
// the address nothing.
func TestPerKey(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := ratelimit.New(ratelimit.Config{Now: c.now, Rate: 1, Burst: 2})
	if ok, _ := admitted(l, 2, func() *http.Request { return req("192.0.2.1:1", "argus_k1") }); ok != 2 {
		t.Fatalf("key from first address: %d of 2", ok)
	}
	if _, refused := l.Admit(req("192.0.2.2:1", "argus_k1")); refused == nil {
		t.Fatal("the same key from another address was admitted past its bucket")
	}
	// 192.0.2.2's own bucket was not charged for the refused request.
	if ok, _ := admitted(l, 3, func() *http.Request { return req("192.0.2.2:1", "argus_k2") }); ok != 2 {
		t.Fatalf("other key from second address: %d of 3; want 2", ok)
	}
}

func TestClientIP(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	for _, tc := range []struct {
		remote string
		xff    []string
		want   string
	}{
		{"192.0.2.1:1", nil, "192.0.2.1"},
		// Not a trusted peer: its header is ignored.
		{"192.0.2.1:1", []string{"198.51.100.9"}, "192.0.2.1"},
		{"10.1.1.1:1", []string{"198.51.100.9"}, "198.51.100.9"},
		// A client cannot hide behind a forged left-most entry.
		{"10.1.1.1:1", []string{"203.0.113.5, 198.51.100.9"}, "198.51.100.9"},
		// Trusted hops are skipped, over several headers.
		{"10.1.1.1:1", []string{"198.51.100.9", "10.2.2.2"}, "198.51.100.9"},
		{"10.1.1.1:1", []string{"garbage, 10.2.2.2"}, "10.2.2.2"},
		{"10.1.1.1:1", nil, "10.1.1.1"},
		{"[::ffff:192.0.2.1]:1", nil, "192.0.2.1"},
	} {
		if got := l.ClientIP(req(tc.remote, "", tc.xff...)).String(); got != tc.want {
			t.Errorf("ClientIP(%s, %q) = %s; want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
	r := l.WithClientIP(req("10.1.1.1:1", "", "198.51.100.9"))
	if r.RemoteAddr != "198.51.100.9:0" {
		t.Errorf("WithClientIP: RemoteAddr %q", r.RemoteAddr)
	}
}

// Idle clients are forgotten once the table is full; busy ones are kept.
func TestForgetsIdleClients(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := ratelimit.New(ratelimit.Config{Now: c.now})
	busy, refused := l.Admit(req("192.0.2.250:1", ""))
	if refused != nil {
		t.Fatal(refused)
	}
	for i := range 2000 {
		addr := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})
		done, refused := l.Admit(req(netip.AddrPortFrom(addr, 1).String(), ""))
		if refused != nil {
			t.Fatal(refused)
		}
		done()
		c.add(time.Second)
	}
	if n := l.Clients(); n > 1025 {
		t.Fatalf("%d clients remembered", n)
	}
	busy()
}

func BenchmarkAdmit(b *testing.B) {
	l := ratelimit.New(ratelimit.Config{Rate: -1})
	r := req("192.0.2.1:1", "argus_key")
	for b.Loop() {
		done, _ := l.Admit(r)
		done()
	}
}
