package browser_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/netpolicy"
)

// refusedServer listens on 127.0.0.2, which the test's policy does not
// allow, and counts every connection made to it: with the guard in place
// it must stay at zero.
func refusedServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("127.0.0.2 is not usable here: %v", err)
	}
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<p>internal</p>")
	}))
	srv.Listener = ln
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// appServer serves the application under test on 127.0.0.1: a page that
// reaches for other from every kind of request a page can make, and a
// redirect to it.
func appServer(t *testing.T, other string) *httptest.Server {
	t.Helper()
	wsOther := "ws" + strings.TrimPrefix(other, "http")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>app</title>
<script>window.__marks = new Set(); function mark(k) { window.__marks.add(k) }</script>
<h1>App</h1>
<img src="%[1]s/pixel.png" onerror="mark('img')" onload="mark('img')">
<script src="%[1]s/lib.js" onerror="mark('script')" onload="mark('script')"></script>
<iframe src="%[1]s/frame" onload="mark('iframe')"></iframe>
<script>
fetch(%[1]q + "/api").then(() => mark('fetch'), () => mark('fetch'));
const ws = new WebSocket(%[2]q + "/socket"); ws.onerror = () => mark('ws'); ws.onopen = () => mark('ws');
</script>`, other, wsOther)
	})
	mux.HandleFunc("GET /redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+"/landing", http.StatusFound)
	})
	mux.HandleFunc("GET /plain", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>plain</title><p>plain page</p>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// loopbackOnly allows 127.0.0.1 alone. Its resolver knows no names, so
// the browser's own background requests (network time, updates) are
// refused without a DNS query leaving the machine.
func loopbackOnly() *netpolicy.Policy {
	return &netpolicy.Policy{
		AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Resolver:   netpolicy.StaticResolver{},
	}
}

func TestEgressRefusesEveryKindOfRequestToARefusedAddress(t *testing.T) {
	refused, conns := refusedServer(t)
	app := appServer(t, refused.URL)
	policy, err := browser.NewEgressPolicy(loopbackOnly(), app.URL, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := open(t, browser.SessionConfig{Egress: policy})

	if err := s.Navigate(ctx, app.URL+"/"); err != nil {
		t.Fatalf("navigate to the application: %v", err)
	}
	settled, err := s.ExecuteScript(ctx, `return new Promise(done => {
		const check = () => window.__marks.size >= 5 ? done([...window.__marks].sort()) : setTimeout(check, 10);
		check();
	})`)
	if err != nil {
		t.Fatalf("wait for the page's requests: %v", err)
	}
	if got := string(settled); got != `["fetch","iframe","img","script","ws"]` {
		t.Fatalf("settled requests %s", got)
	}

	blocked := map[string]string{}
	for _, n := range s.Network() {
		if n.Blocked != "" {
			blocked[strings.TrimPrefix(n.URL, refused.URL)] = n.Blocked
			if !n.Failed() {
				t.Errorf("blocked request %s does not count as failed", n.URL)
			}
		}
	}
	for _, path := range []string{"/pixel.png", "/lib.js", "/frame", "/api"} {
		reason, ok := blocked[path]
		if !ok {
			t.Errorf("request for %s was not recorded as blocked; recorded: %v", path, blocked)
			continue
		}
		if !strings.Contains(reason, "127.0.0.2 is a loopback address") {
			t.Errorf("reason for %s = %q, want the address and its class", path, reason)
		}
	}

	// A redirect from the allowed application to the refused address.
	err = s.Navigate(ctx, app.URL+"/redirect")
	if !errors.Is(err, browser.ErrBlocked) {
		t.Fatalf("navigate through a redirect to a refused address: %v, want ErrBlocked", err)
	}
	if !strings.Contains(err.Error(), refused.URL+"/landing") || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("the error does not name the refused request: %v", err)
	}
	// A direct navigation.
	if err := s.Navigate(ctx, refused.URL+"/admin"); !errors.Is(err, browser.ErrBlocked) {
		t.Fatalf("navigate to a refused address: %v, want ErrBlocked", err)
	}

	if n := conns.Load(); n != 0 {
		t.Fatalf("the refused server got %d connection(s); want none", n)
	}
}

func TestEgressKeepsNavigationsToTheAllowedOrigins(t *testing.T) {
	other := appServer(t, "http://127.0.0.1:1") // allowed address, another origin
	app := appServer(t, other.URL)
	policy, err := browser.NewEgressPolicy(loopbackOnly(), app.URL, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := open(t, browser.SessionConfig{Egress: policy})

	if err := s.Navigate(ctx, app.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	err = s.Navigate(ctx, other.URL+"/plain")
	if !errors.Is(err, browser.ErrBlocked) || !strings.Contains(err.Error(), "outside the allowed origins") {
		t.Fatalf("navigate to another origin: %v, want ErrBlocked naming the allowed origins", err)
	}
	// A navigation from the page itself (window.location) is held too.
	if _, err := s.ExecuteScript(ctx, `location.href = arguments[0]; return 1`, other.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	obs, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(obs.URL, other.URL) && !strings.Contains(obs.Text, "blocked by Argus's target policy") {
		t.Fatalf("the page navigated itself to %s: %s", obs.URL, obs.Text)
	}

	// Subresources of other origins load by default: a frame of the other
	// origin is not a navigation of the tab.
	if _, err := s.ExecuteScript(ctx, `return new Promise(done => {
		const f = document.createElement('iframe'); f.onload = () => done(1); f.src = arguments[0]; document.body.append(f);
	})`, other.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	// The frame's onload can run before the browser's event for its
	// response arrives: wait for the event.
	loaded := func() bool {
		for _, n := range s.Network() {
			if n.URL == other.URL+"/plain" && n.Status == 200 && n.Blocked == "" {
				return true
			}
		}
		return false
	}
	for !loaded() {
		select {
		case <-ctx.Done():
			t.Fatalf("a frame of another origin did not load: %+v", s.Network())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestEgressBlockThirdParty(t *testing.T) {
	other := appServer(t, "http://127.0.0.1:1")
	app := appServer(t, other.URL)
	policy, err := browser.NewEgressPolicy(loopbackOnly(), app.URL, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := open(t, browser.SessionConfig{Egress: policy})
	if err := s.Navigate(ctx, app.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	got, err := s.ExecuteScript(ctx, `return fetch(arguments[0]).then(() => "loaded", () => "failed")`, other.URL+"/plain")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `"failed"` {
		t.Fatalf("cross-origin fetch with block_third_party_requests: %s", got)
	}
	found := false
	for _, n := range s.Network() {
		if n.URL == other.URL+"/plain" && strings.Contains(n.Blocked, "third-party") {
			found = true
		}
	}
	if !found {
		t.Fatalf("the third-party request was not recorded as blocked: %+v", s.Network())
	}
	// The application's own requests still pass.
	got, err = s.ExecuteScript(ctx, `return fetch("/plain").then(r => r.status)`)
	if err != nil || string(got) != "200" {
		t.Fatalf("same-origin fetch: %s, %v", got, err)
	}
}

// tlsServer serves plain pages over HTTPS on 127.0.0.1, and a redirect to
// other.
func tlsServer(t *testing.T, other string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plain", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>plain</title><p>plain page</p>`)
	})
	mux.HandleFunc("GET /redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+"/plain", http.StatusFound)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestEgressCatchesHTTPSNavigationsToOtherOrigins: over HTTPS the proxy
// sees a tunnel to a host, not a navigation, so a page that takes the tab
// to another origin on an allowed address (here another port of
// 127.0.0.1) is caught when it is observed: the agent sees the refusal
// instead of the page, and the record holds a blocked document request.
func TestEgressCatchesHTTPSNavigationsToOtherOrigins(t *testing.T) {
	other := tlsServer(t, "https://127.0.0.1:1")
	app := tlsServer(t, other.URL)
	policy, err := browser.NewEgressPolicy(loopbackOnly(), app.URL, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	// The test servers' certificates are their own.
	args := append(browser.DefaultChromeArgs(), "--ignore-certificate-errors")
	ctx, s := open(t, browser.SessionConfig{Egress: policy, ChromeArgs: args})

	if err := s.Navigate(ctx, app.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	if obs, err := s.Observe(ctx, browser.ObserveOptions{}); err != nil || !strings.Contains(obs.Text, "plain page") {
		t.Fatalf("the allowed HTTPS page: %v %+v", err, obs)
	}
	blocked := func(how string) {
		t.Helper()
		// The navigation commits after the script returned: observe until
		// the tab has left the allowed page.
		var obs *browser.Observation
		for obs == nil || obs.URL == app.URL+"/plain" {
			if ctx.Err() != nil {
				t.Fatalf("%s: the tab never left %s", how, app.URL)
			}
			if obs, err = s.Observe(ctx, browser.ObserveOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if strings.HasPrefix(obs.URL, other.URL) || strings.Contains(obs.Text, "plain page") ||
			!strings.Contains(obs.Text, "blocked by Argus's target policy: GET "+other.URL+"/plain") || !strings.Contains(obs.Text, "outside the allowed origins") {
			t.Fatalf("%s: the agent sees %s: %q", how, obs.URL, obs.Text)
		}
		found := false
		for _, n := range s.Network() {
			if n.URL == other.URL+"/plain" && n.Blocked != "" && n.Document {
				found = true
			}
		}
		if !found {
			t.Fatalf("%s: no blocked navigation in the record: %+v", how, s.Network())
		}
	}
	// The page sends the tab away itself.
	if _, err := s.ExecuteScript(ctx, `location.href = arguments[0]; return 1`, other.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	blocked("location.href")
	// A redirect of the allowed origin to the other one.
	if err := s.Navigate(ctx, app.URL+"/plain"); err != nil {
		t.Fatal(err)
	}
	if err := s.Navigate(ctx, app.URL+"/redirect"); err != nil {
		t.Fatal(err)
	}
	blocked("redirect")
}
