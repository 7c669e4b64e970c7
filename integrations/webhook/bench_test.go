package webhook_test

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/webhook"
)

// BenchmarkSign signs a 4 KB body with two secrets, as during a rotation.
func BenchmarkSign(b *testing.B) {
	s1, _ := webhook.NewSecret()
	s2, _ := webhook.NewSecret()
	body := bytes.Repeat([]byte("x"), 4096)
	ts := time.Now()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := webhook.Sign([]string{s1, s2}, "msg_0123456789abcdef", ts, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckAddr is the guard's cost per connection attempt.
func BenchmarkCheckAddr(b *testing.B) {
	g := webhook.NewGuard(webhook.GuardConfig{})
	ip := netip.MustParseAddr("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
	for b.Loop() {
		if err := g.CheckAddr(ip); err != nil {
			b.Fatal(err)
		}
	}
}
