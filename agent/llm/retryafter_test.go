package llm_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"absent", http.Header{}, 0, false},
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second, true},
		{"zero", http.Header{"Retry-After": {"0"}}, 0, true},
		{"fractional seconds", http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond, true},
		{"HTTP date", http.Header{"Retry-After": {"Mon, 02 Nov 2026 09:00:20 GMT"}}, 20 * time.Second, true},
		{"date in the past", http.Header{"Retry-After": {"Mon, 02 Nov 2026 08:00:00 GMT"}}, 0, true},
		{"milliseconds win", http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"7"}}, 250 * time.Millisecond, true},
		{"bad milliseconds fall back", http.Header{"Retry-After-Ms": {"soon"}, "Retry-After": {"7"}}, 7 * time.Second, true},
		{"negative", http.Header{"Retry-After": {"-3"}}, 0, false},
		{"garbage", http.Header{"Retry-After": {"tomorrow"}}, 0, false},
		{"absurdly large", http.Header{"Retry-After": {"1e300"}}, 0, false},
		{"NaN", http.Header{"Retry-After": {"NaN"}}, 0, false},
	} {
		ra := llm.ParseRetryAfter(tc.header)
		got, ok := ra.Wait(now)
		if got != tc.want || ok != tc.ok || ra.IsSet() != tc.ok {
			t.Errorf("%s: Wait = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
