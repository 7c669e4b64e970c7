package webhook

import (
	"testing"
	"time"
)

func TestRetryScheduleSpreadsOverTheWindow(t *testing.T) {
	var total time.Duration
	prev := time.Duration(0)
	for n := 1; n < MaxAttempts; n++ {
		d := retryDelay(DefaultRetryWindow, n, MaxAttempts, 0.5) // no jitter
		if d <= prev*2 {
			t.Errorf("delay after attempt %d is %v, not growing exponentially from %v", n, d, prev)
		}
		prev = d
		total += d
	}
	if total < 23*time.Hour+59*time.Minute || total > 24*time.Hour+time.Minute {
		t.Fatalf("retries span %v, want about 24 h", total)
	}
	if first := retryDelay(DefaultRetryWindow, 1, MaxAttempts, 0.5); first < time.Minute || first > 2*time.Minute {
		t.Errorf("first retry after %v", first)
	}
	// Jitter stays within ±10 %.
	base := retryDelay(DefaultRetryWindow, 3, MaxAttempts, 0.5)
	lo, hi := retryDelay(DefaultRetryWindow, 3, MaxAttempts, 0), retryDelay(DefaultRetryWindow, 3, MaxAttempts, 0.999999)
	if lo < base*9/10-time.Second || hi > base*11/10+time.Second || lo >= hi {
		t.Errorf("jitter range %v..%v around %v", lo, hi, base)
	}
	// Out-of-range attempts are clamped rather than exploding.
	if d := retryDelay(DefaultRetryWindow, 50, MaxAttempts, 0.5); d > DefaultRetryWindow {
		t.Errorf("attempt 50: %v", d)
	}
	if d := retryDelay(DefaultRetryWindow, 1, 1, 0.5); d <= 0 || d > DefaultRetryWindow {
		t.Errorf("max attempts 1: %v", d)
	}
}

func TestSecretKeyBounds(t *testing.T) {
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	key, err := secretKey(s)
	if err != nil || len(key) != 32 || len(s) != len("whsec_")+44 {
		t.Fatalf("NewSecret %q: key %d bytes, %v", s, len(key), err)
	}
	for _, bad := range []string{"", "whsec_", "sk_" + s[6:], "whsec_!!!!", "whsec_" + "AAAA", s[6:]} {
		if _, err := secretKey(bad); err == nil {
			t.Errorf("secretKey(%q) accepted", bad)
		}
	}
}

func TestCleanExcerpt(t *testing.T) {
	if got := cleanExcerpt([]byte("ok\x00\xff\xfe done")); got != "ok\uFFFD done" {
		t.Errorf("cleanExcerpt = %q", got)
	}
}
