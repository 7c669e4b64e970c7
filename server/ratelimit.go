package server

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// attemptLimiter counts attempts per key (client address + email) in a
// fixed window: enough to stop password guessing without a dependency.
type attemptLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu     sync.Mutex
	counts map[string]*attemptWindow
}

type attemptWindow struct {
	start time.Time
	n     int
}

func newAttemptLimiter(max int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, now: time.Now, counts: map[string]*attemptWindow{}}
}

// allow records an attempt and reports whether it may go ahead; when not,
// retry says when the window ends.
func (l *attemptLimiter) allow(key string) (ok bool, retry time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.counts) > 100_000 {
		l.prune(now)
	}
	w := l.counts[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &attemptWindow{start: now}
		l.counts[key] = w
	}
	if w.n >= l.max {
		return false, w.start.Add(l.window).Sub(now)
	}
	w.n++
	return true, 0
}

// reset forgets key's attempts, after a successful login.
func (l *attemptLimiter) reset(key string) {
	l.mu.Lock()
	delete(l.counts, key)
	l.mu.Unlock()
}

func (l *attemptLimiter) prune(now time.Time) {
	for k, w := range l.counts {
		if now.Sub(w.start) >= l.window {
			delete(l.counts, k)
		}
	}
}

// limitKey identifies a client and an account. The client is the peer
// address: behind a proxy put the limit there too, since X-Forwarded-For
// can be forged by anyone who reaches the server directly.
func limitKey(r *http.Request, email string) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return host + "\x00" + strings.ToLower(strings.TrimSpace(email))
}
