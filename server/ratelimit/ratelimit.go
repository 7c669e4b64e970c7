// Package ratelimit holds the API's per-client limits: a token bucket of
// requests per second (golang.org/x/time/rate) and a cap on requests in
// flight, per client IP and, for requests that carry a bearer key, per key
// as well, so a key spread over many addresses is held to the same limit.
//
// The client IP is the peer address. X-Forwarded-For is believed only when
// the peer is one of the trusted proxies, since anyone who reaches the
// server directly can write that header.
package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Config configures a Limiter. The zero value is the defaults:
// 30 requests/s, bursts of 50, 10 requests in flight per client.
type Config struct {
	// Rate is the sustained requests per second of one client (IP or
	// key). Default 30; negative: no rate limit.
	Rate float64

	// Burst is how many requests a client that has been quiet may send
	// at once. Default 50.
	Burst int

	// MaxConcurrent is how many requests of one client may be in flight
	// at once (event streams and MCP sessions count while they stay
	// open). Default 10; negative: no cap.
	MaxConcurrent int

	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	// Default none: the peer address is the client.
	TrustedProxies []netip.Prefix

	// Now is the clock of the token buckets. Default time.Now; tests
	// step it to count requests per second without waiting.
	Now func() time.Time
}

// Defaults, from issue 16.
const (
	DefaultRate          = 30
	DefaultBurst         = 50
	DefaultMaxConcurrent = 10
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.Burst <= 0 {
		c.Burst = DefaultBurst
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Limiter counts requests per client. Make one with New; it is safe for
// concurrent use.
type Limiter struct {
	cfg Config

	mu      sync.Mutex
	clients map[string]*client
	// sweepAt is the size of clients at which idle ones (bucket full
	// again, nothing in flight) are next forgotten, which loses nothing;
	// it stays at twice the live ones so sweeping is amortised O(1) per
	// request and memory bounded by the clients really active.
	sweepAt int
}

type client struct {
	bucket   *rate.Limiter
	inFlight int
}

// New builds a Limiter from cfg (defaults applied).
func New(cfg Config) *Limiter {
	cfg = cfg.WithDefaults()
	return &Limiter{cfg: cfg, clients: map[string]*client{}, sweepAt: 1024}
}

// Refusal says why a request was not admitted and when to try again.
type Refusal struct {
	// RetryAfter is the wait before the client's next request would be
	// admitted, at least a second (Retry-After counts whole seconds).
	RetryAfter time.Duration
	// Concurrent is true when the cap on requests in flight refused it,
	// false for the rate.
	Concurrent bool
}

// Admit counts r against its client IP and, when it carries a bearer key,
// against the key. When admitted it returns a done func that must be
// called once the request has been answered; otherwise a Refusal.
func (l *Limiter) Admit(r *http.Request) (done func(), refused *Refusal) {
	subjects := []string{"ip:" + l.ClientIP(r).String()}
	if k := bearer(r); k != "" {
		sum := sha256.Sum256([]byte(k))
		subjects = append(subjects, "key:"+hex.EncodeToString(sum[:16]))
	}
	now := l.cfg.Now()

	l.mu.Lock()
	defer l.mu.Unlock()
	cs := make([]*client, len(subjects))
	for i, s := range subjects {
		cs[i] = l.client(s, now)
		if l.cfg.MaxConcurrent > 0 && cs[i].inFlight >= l.cfg.MaxConcurrent {
			return nil, &Refusal{RetryAfter: time.Second, Concurrent: true}
		}
	}
	var taken []*rate.Reservation
	for _, c := range cs {
		if c.bucket == nil {
			continue
		}
		res := c.bucket.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 {
			res.CancelAt(now)
			for _, t := range taken {
				t.CancelAt(now)
			}
			return nil, &Refusal{RetryAfter: max(time.Second, time.Duration(math.Ceil(d.Seconds()))*time.Second)}
		}
		taken = append(taken, res)
	}
	for _, c := range cs {
		c.inFlight++
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			for _, c := range cs {
				c.inFlight--
			}
		})
	}, nil
}

// client returns the state of subject, making it when new. l.mu is held.
func (l *Limiter) client(subject string, now time.Time) *client {
	if c, ok := l.clients[subject]; ok {
		return c
	}
	if len(l.clients) >= l.sweepAt {
		l.sweep(now)
	}
	c := &client{}
	if l.cfg.Rate > 0 {
		c.bucket = rate.NewLimiter(rate.Limit(l.cfg.Rate), l.cfg.Burst)
		// A new bucket starts full at now, not at the zero time.
		c.bucket.SetBurstAt(now, l.cfg.Burst)
	}
	l.clients[subject] = c
	return c
}

// sweep forgets clients with nothing in flight whose bucket is full again:
// a fresh client would be the same. l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	for s, c := range l.clients {
		if c.inFlight == 0 && (c.bucket == nil || c.bucket.TokensAt(now) >= float64(l.cfg.Burst)) {
			delete(l.clients, s)
		}
	}
	l.sweepAt = max(1024, 2*len(l.clients))
}

// Clients is how many clients the limiter remembers (for tests and
// metrics).
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// ClientIP is the address of the client that sent r: the peer, or, when
// the peer is a trusted proxy, the nearest address in X-Forwarded-For
// that is not itself a trusted proxy.
func (l *Limiter) ClientIP(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !l.trusted(peer) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	// The right-most entries were added by the proxies closest to us;
	// walk leftwards past trusted ones.
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				// A malformed hop: nothing left of it can be believed.
				return peer
			}
			a = a.Unmap()
			if !l.trusted(a) {
				return a
			}
			peer = a
		}
	}
	return peer
}

func (l *Limiter) trusted(a netip.Addr) bool {
	for _, p := range l.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// WithClientIP returns r with RemoteAddr set to the client's address
// (ClientIP), so handlers that read the peer address — the sign-in limit —
// see the client and not the proxy.
func (l *Limiter) WithClientIP(r *http.Request) *http.Request {
	if len(l.cfg.TrustedProxies) == 0 {
		return r
	}
	ip := l.ClientIP(r)
	if ip == peerAddr(r.RemoteAddr) {
		return r
	}
	r2 := r.WithContext(r.Context())
	r2.RemoteAddr = net.JoinHostPort(ip.String(), "0")
	return r2
}

func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap()
	}
	// An unparseable peer (a test's "pipe"): all such share one bucket.
	return netip.IPv6Unspecified()
}

// bearer is the request's bearer key, if any.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
