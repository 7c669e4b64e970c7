package app

import (
	"strings"
	"sync"
	"time"
)

// attemptLimiter counts failed sign-ins and reset requests per key (client
// address and account) in a fixed window. There is one per App, so the
// API and the UI count into the same window: an attacker gets no more
// guesses by using both doors.
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

// maxLimiterKeys bounds memory under a flood of distinct keys.
const maxLimiterKeys = 100_000

func newAttemptLimiter(max int, window time.Duration, now func() time.Time) *attemptLimiter {
	return &attemptLimiter{max: max, window: window, now: now, counts: map[string]*attemptWindow{}}
}

// check reports whether key may try now; when not, retry says when its
// window ends.
func (l *attemptLimiter) check(key string) (ok bool, retry time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.counts[key]
	if w == nil || now.Sub(w.start) >= l.window || w.n < l.max {
		return true, 0
	}
	return false, w.start.Add(l.window).Sub(now)
}

// count records one failed (or, for resets, any) attempt.
func (l *attemptLimiter) count(key string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.counts) >= maxLimiterKeys {
		for k, w := range l.counts {
			if now.Sub(w.start) >= l.window {
				delete(l.counts, k)
			}
		}
	}
	w := l.counts[key]
	if w == nil || now.Sub(w.start) >= l.window {
		l.counts[key] = &attemptWindow{start: now, n: 1}
		return
	}
	w.n++
}

// reset forgets key's failures, after a successful sign-in.
func (l *attemptLimiter) reset(key string) {
	l.mu.Lock()
	delete(l.counts, key)
	l.mu.Unlock()
}

// limitKey identifies a client and an account: the client is the peer
// address (behind a proxy put a limit there too, since X-Forwarded-For can
// be forged by anyone who reaches the server directly).
func limitKey(kind, clientIP, email string) string {
	return kind + "\x00" + clientIP + "\x00" + strings.ToLower(strings.TrimSpace(email))
}

// tooMany is the answer of a hit limit.
func tooMany(detail string, retry time.Duration) *Error {
	return &Error{Code: CodeTooManyRequests, Detail: detail, RetryAfter: retry}
}
