package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/internal/netpolicy"
)

// TestGridBrowsersUseTheProxyAddress: with ARGUS_BROWSER=grid the
// browser runs on another machine, so its egress proxy listens on
// ARGUS_GRID_PROXY_ADDRESS (here 127.0.0.2, standing for the worker's pod
// address; a chromedriver on this machine stands for the Grid): pages load
// through it, and it still refuses what the policy refuses.
func TestGridBrowsersUseTheProxyAddress(t *testing.T) {
	requireBrowser(t)
	if ln, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skipf("127.0.0.2 is not usable here: %v", err)
	} else {
		ln.Close()
	}
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>shop</title><p>Open every day.</p>`)
	}))
	t.Cleanup(app.Close)
	cfg := &config.Config{Browser: "grid", GridURL: browsertest.StartChromedriver(t), GridProxyAddress: "127.0.0.2"}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := openBrowsers(t.Context(), cfg, 1, app.URL, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(t.Context()) })
	policy, err := browser.NewEgressPolicy(&netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Resolver: netpolicy.StaticResolver{}}, app.URL, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := p.Acquire(t.Context(), browser.AcquireOptions{AgentID: "grid-proxy", Egress: policy})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sess.Close(t.Context()) })
	// The browser was told to use the proxy there, not on 127.0.0.1.
	if !chromiumWithFlag(t, "--proxy-server=http://127.0.0.2:") {
		t.Fatal("no Chromium runs with --proxy-server on 127.0.0.2")
	}
	if err := sess.Navigate(t.Context(), app.URL); err != nil {
		t.Fatal(err)
	}
	obs, err := sess.Observe(t.Context(), browser.ObserveOptions{})
	if err != nil || !strings.Contains(obs.Text, "Open every day") {
		t.Fatalf("the page did not load through the proxy on 127.0.0.2: %v %+v", err, obs)
	}
	if err := sess.Navigate(t.Context(), "http://127.0.0.2:9/"); !errors.Is(err, browser.ErrBlocked) {
		t.Fatalf("a refused address through the grid browser: %v, want ErrBlocked", err)
	}
}

// chromiumWithFlag reports whether a process of this machine runs with a
// command-line argument starting with prefix.
func chromiumWithFlag(t *testing.T, prefix string) bool {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to read the browser's flags from: %v", err)
	}
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for _, arg := range strings.Split(string(raw), "\x00") {
			if strings.HasPrefix(arg, prefix) {
				return true
			}
		}
	}
	return false
}
