package docker

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/internal/netpolicy"
)

// TestConformance runs the browser contract every provider must meet
// against containers. Host networking lets the containers reach the
// suite's page server on the host's loopback; the default warm spare means
// most sessions are claimed spares.
func TestConformance(t *testing.T) {
	c := dockerClient(t)
	browsertest.RunWithOptions(t, func(t *testing.T) browser.Provider {
		return newTestProvider(t, Config{Docker: c, Network: "host"})
	}, browsertest.Options{Timeout: 2 * time.Minute})
}

// TestBridgeBrowserGoesThroughTheEgressProxy runs a browser on Docker's
// default bridge, where the container cannot reach the host's loopback
// itself: its egress proxy (on the bridge's gateway) can, and decides. A
// page on 127.0.0.1 loads through it; 127.0.0.2 stays refused.
func TestBridgeBrowserGoesThroughTheEgressProxy(t *testing.T) {
	p := newTestProvider(t, Config{WarmSpares: -1})
	srv := browsertest.NewServer(t)
	addrs := &netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Resolver: netpolicy.StaticResolver{}}
	egress, err := browser.NewEgressPolicy(addrs, srv.Origin(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "bridge-egress", Egress: egress})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close(context.WithoutCancel(ctx)) }()
	if err := s.Navigate(ctx, srv.URL("/")); err != nil {
		t.Fatalf("a page on the host's loopback, through the proxy: %v", err)
	}
	if o, err := s.Observe(ctx, browser.ObserveOptions{}); err != nil || o.Title != "Home" {
		t.Fatalf("observe: %v, %+v", err, o)
	}
	if err := s.Navigate(ctx, "http://127.0.0.2:8081/"); !errors.Is(err, browser.ErrBlocked) {
		t.Fatalf("navigate to 127.0.0.2: %v, want ErrBlocked", err)
	}
}
