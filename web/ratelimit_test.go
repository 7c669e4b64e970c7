package web

import (
	"testing"
	"time"
)

func TestAttemptLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newAttemptLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if !l.allow("k") {
			t.Fatalf("refused after %d failures", i)
		}
		l.fail("k")
	}
	if l.allow("k") {
		t.Fatal("allowed after 3 failures")
	}
	if !l.allow("other") {
		t.Fatal("another key is limited")
	}
	now = now.Add(time.Minute)
	if !l.allow("k") {
		t.Fatal("still refused after the window")
	}
	l.fail("k")
	if !l.allow("k") {
		t.Fatal("a new window starts from one failure")
	}
}
