package app

import (
	"testing"
	"time"
)

func TestAttemptLimiter(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	l := newAttemptLimiter(3, 15*time.Minute, func() time.Time { return now })
	key := limitKey("login", "10.0.0.1", " Ana@Example.com ")
	if key != limitKey("login", "10.0.0.1", "ana@example.com") {
		t.Fatal("the account part of the key is not normalised")
	}
	for range 3 {
		if ok, _ := l.check(key); !ok {
			t.Fatal("refused before the limit")
		}
		l.count(key)
	}
	now = now.Add(5 * time.Minute)
	ok, retry := l.check(key)
	if ok || retry != 10*time.Minute {
		t.Fatalf("after 3 failures: ok=%v retry=%v, want refused for the 10 minutes left", ok, retry)
	}
	if ok, _ := l.check(limitKey("login", "10.0.0.2", "ana@example.com")); !ok {
		t.Error("another address is limited too")
	}
	if ok, _ := l.check(limitKey("reset", "10.0.0.1", "ana@example.com")); !ok {
		t.Error("reset requests share the sign-in count")
	}
	now = now.Add(10 * time.Minute)
	if ok, _ := l.check(key); !ok {
		t.Error("still refused after the window")
	}
	l.count(key)
	l.reset(key)
	if w := l.counts[key]; w != nil {
		t.Error("a successful sign-in did not forget the failures")
	}
}
