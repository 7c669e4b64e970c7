package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// attemptLimiter counts failed sign-ins (and reset requests) per client
// address and email in a fixed window, like the API's limiter, so the UI's
// login form is no way around it for password guessing.
type attemptLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	counts map[string]*attempts
}

type attempts struct {
	n     int
	start time.Time
}

func newAttemptLimiter(max int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, now: time.Now, counts: map[string]*attempts{}}
}

// allow reports whether key may try again.
func (l *attemptLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.counts[key]
	return !ok || l.now().Sub(a.start) >= l.window || a.n < l.max
}

// fail records a failed attempt.
func (l *attemptLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.counts) > 100_000 {
		// Bound memory under a flood of distinct keys: drop expired windows.
		for k, a := range l.counts {
			if now.Sub(a.start) >= l.window {
				delete(l.counts, k)
			}
		}
	}
	a, ok := l.counts[key]
	if !ok || now.Sub(a.start) >= l.window {
		l.counts[key] = &attempts{n: 1, start: now}
		return
	}
	a.n++
}

func limitKey(r *http.Request, email string) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return host + "|" + strings.ToLower(email)
}
