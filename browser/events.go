package browser

import (
	"sync"
	"time"
)

// Caps on the in-memory event buffers of one session. When a buffer is
// full the oldest entry is dropped: the agent cares about what the page
// did recently, and the count of dropped entries says that more happened.
const (
	// MaxConsoleEntries caps Session.Console (a product promise).
	MaxConsoleEntries = 200
	// MaxNetworkEvents caps Session.Network.
	MaxNetworkEvents = 500
	// maxEventText caps one console message or URL, so a page logging
	// megabytes cannot grow the buffers beyond a few hundred kilobytes.
	maxEventText = 2000
)

// ConsoleEntry is one console message, uncaught exception or user prompt
// of the page. Kept in memory only.
type ConsoleEntry struct {
	Time time.Time
	// Source is "console" (console.* calls), "javascript" (uncaught
	// exceptions) or "dialog" (alert/confirm/prompt, with how it was
	// answered).
	Source string
	// Level is "debug", "info", "warn" or "error".
	Level string
	Text  string
	// URL and Line locate the code that logged, when known.
	URL  string
	Line int
}

// NetworkEvent is one finished request of the page: URL, method, status
// and size. Kept in memory only; bodies and headers are never recorded.
type NetworkEvent struct {
	Time   time.Time
	Method string
	URL    string
	// Status is the HTTP status; 0 when the request failed (see Error).
	Status int
	// Size is the response body size in bytes as received.
	Size int64
	// Error is the browser's reason for a failed request, e.g.
	// "net::ERR_CONNECTION_REFUSED".
	Error string
	// Document is true for page loads (navigations), false for
	// subresources and fetch/XHR.
	Document bool
	// Blocked is why the target policy refused the request (see
	// EgressPolicy), e.g. "127.0.0.2 is a loopback address"; the request
	// never left the machine.
	Blocked string
}

// Failed reports a request that got no response or an HTTP error status.
func (e NetworkEvent) Failed() bool { return e.Error != "" || e.Blocked != "" || e.Status >= 400 }

// ring is a bounded FIFO that drops the oldest entry when full. It is
// safe for concurrent use: BiDi events arrive on their own goroutine.
type ring[T any] struct {
	mu      sync.Mutex
	buf     []T
	start   int
	n       int
	dropped int
}

func newRing[T any](capacity int) *ring[T] { return &ring[T]{buf: make([]T, capacity)} }

func (r *ring[T]) add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = v
		r.n++
		return
	}
	r.buf[r.start] = v
	r.start = (r.start + 1) % len(r.buf)
	r.dropped++
}

// snapshot returns a copy of the entries, oldest first, and how many were
// dropped since the session started.
func (r *ring[T]) snapshot() ([]T, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]T, r.n)
	for i := range r.n {
		out[i] = r.buf[(r.start+i)%len(r.buf)]
	}
	return out, r.dropped
}

func clipText(s string) string {
	s, cut := truncateChars(s, maxEventText)
	if cut {
		s += "…"
	}
	return s
}
