package llm

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter is a server's hint on when to try again: a delay, or a point in
// time (the HTTP-date form of Retry-After). The zero value means no hint.
//
// A point in time is kept as such and turned into a wait only by the retry
// policy, with its own clock, so that tests with a fake clock get exact waits.
type RetryAfter struct {
	delay time.Duration
	at    time.Time
	ok    bool
}

// RetryIn is a hint to wait d.
func RetryIn(d time.Duration) RetryAfter { return RetryAfter{delay: max(d, 0), ok: true} }

// RetryAt is a hint to wait until t.
func RetryAt(t time.Time) RetryAfter { return RetryAfter{at: t, ok: true} }

// IsSet reports whether there is a hint.
func (r RetryAfter) IsSet() bool { return r.ok }

// Wait returns how long to wait from now, and false when there is no hint.
// A time already past means no wait.
func (r RetryAfter) Wait(now time.Time) (time.Duration, bool) {
	if !r.ok {
		return 0, false
	}
	if !r.at.IsZero() {
		return max(r.at.Sub(now), 0), true
	}
	return r.delay, true
}

func (r RetryAfter) String() string {
	switch {
	case !r.ok:
		return "none"
	case !r.at.IsZero():
		return "until " + r.at.UTC().Format(http.TimeFormat)
	default:
		return r.delay.String()
	}
}

// ParseRetryAfter reads a server's retry hint from response headers:
// retry-after-ms (milliseconds, sent by OpenAI and Anthropic) first, then
// Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3). Values
// that are missing, negative or malformed give no hint.
func ParseRetryAfter(h http.Header) RetryAfter {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) && ms < float64(math.MaxInt64/int64(time.Millisecond)) {
			return RetryIn(time.Duration(ms * float64(time.Millisecond)))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return RetryAfter{}
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || secs > float64(math.MaxInt64/int64(time.Second)) {
			return RetryAfter{}
		}
		return RetryIn(time.Duration(secs * float64(time.Second)))
	}
	if t, err := http.ParseTime(v); err == nil {
		return RetryAt(t)
	}
	return RetryAfter{}
}
