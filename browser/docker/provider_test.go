package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser"
)

func TestBridgeContainerIsIsolatedAndRemovedOnClose(t *testing.T) {
	c := dockerClient(t)
	node := testNode()
	p := newTestProvider(t, Config{Docker: c, NodeName: node, WarmSpares: -1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "agent-7"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	id := onlyContainer(t, c, node)
	res, err := c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ct := res.Container
	for k, want := range map[string]string{LabelManaged: "true", LabelNode: node, LabelAgent: "agent-7", LabelOwner: p.owner} {
		if got := ct.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}
	hc := ct.HostConfig
	if hc.Memory != DefaultMemoryBytes || hc.PidsLimit == nil || *hc.PidsLimit != DefaultPidsLimit || hc.ShmSize != DefaultShmSizeBytes {
		t.Errorf("limits: memory %d, pids %v, shm %d; want %d, %d, %d", hc.Memory, hc.PidsLimit, hc.ShmSize, DefaultMemoryBytes, DefaultPidsLimit, DefaultShmSizeBytes)
	}
	if len(hc.CapDrop) != 1 || !strings.EqualFold(strings.TrimPrefix(hc.CapDrop[0], "CAP_"), "ALL") {
		t.Errorf("CapDrop = %v, want ALL", hc.CapDrop)
	}
	if ct.Config.User == "" || strings.HasPrefix(ct.Config.User, "0") || ct.Config.User == "root" {
		t.Errorf("container runs as %q, want the image's unprivileged user", ct.Config.User)
	}
	published := 0
	for port, bindings := range ct.NetworkSettings.Ports {
		for _, b := range bindings {
			published++
			if !b.HostIP.IsLoopback() {
				t.Errorf("port %s published on %s, want 127.0.0.1 only", port, b.HostIP)
			}
		}
	}
	if published == 0 {
		t.Error("WebDriver port not published")
	}

	if err := s.Navigate(ctx, "about:blank"); err != nil {
		t.Fatalf("Navigate: %v", err)
	}
	raw, err := s.ExecuteScript(ctx, "return [navigator.userAgent.includes('HeadlessChrome'), window.innerWidth]")
	if err != nil {
		t.Fatalf("ExecuteScript: %v", err)
	}
	var got []any
	if err := json.Unmarshal(raw, &got); err != nil || len(got) != 2 || got[0] != true || got[1] != float64(browser.DefaultWidth) {
		t.Errorf("page reports %s, want headless Chrome with a %d px viewport", raw, browser.DefaultWidth)
	}

	// The product promises the container is destroyed within 5 s: Close
	// must finish inside that deadline and the container must be gone.
	cctx, ccancel := context.WithTimeout(context.Background(), DefaultDestroyTimeout)
	defer ccancel()
	if err := s.Close(cctx); err != nil {
		t.Fatalf("Close within %s: %v", DefaultDestroyTimeout, err)
	}
	if !gone(t, c, id) {
		t.Fatalf("container %s still exists after Close", shortID(id))
	}
	if _, err := s.ExecuteScript(ctx, "return 1"); !errors.Is(err, browser.ErrSessionClosed) {
		t.Errorf("call after Close: %v, want ErrSessionClosed", err)
	}
	if n := p.InUse(); n != 0 {
		t.Errorf("InUse after Close = %d, want 0", n)
	}
}

func TestHostNetworkReachesLoopbackAppAndUploads(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Loopback app</title><h1>Hello from loopback</h1>
<label for=f>Attachment</label><input type=file id=f>`)
	}))
	defer app.Close()
	file := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(file, []byte("argus upload check"), 0o600); err != nil {
		t.Fatal(err)
	}

	c := dockerClient(t)
	node := testNode()
	p := newTestProvider(t, Config{Docker: c, NodeName: node, Network: "host", WarmSpares: -1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "loopback"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	defer s.Close(context.Background())
	res, err := c.ContainerInspect(ctx, onlyContainer(t, c, node), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Container.HostConfig.PortBindings); n != 0 {
		t.Errorf("host networking publishes %d ports, want none", n)
	}

	if err := s.Navigate(ctx, app.URL); err != nil {
		t.Fatalf("Navigate to %s: %v", app.URL, err)
	}
	obs, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		t.Fatalf("Observe: %v", err)
	}
	if !strings.Contains(obs.Text, "Hello from loopback") {
		t.Errorf("page text %q (url %q, title %q) lacks the app's heading", obs.Text, obs.URL, obs.Title)
	}

	if _, err := s.Upload(ctx, browser.ByCSS("#f"), file); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	raw, err := s.ExecuteScript(ctx, `const f = document.getElementById('f').files[0]; return f ? [f.name, await f.text()] : null`)
	if err != nil {
		t.Fatalf("read uploaded file: %v", err)
	}
	var got []string
	if err := json.Unmarshal(raw, &got); err != nil || len(got) != 2 || got[0] != "report.txt" || got[1] != "argus upload check" {
		t.Errorf("input holds %s, want report.txt with its content", raw)
	}
}

func TestCapIsNeverExceeded(t *testing.T) {
	c := dockerClient(t)
	node := testNode()
	alive := countAlive(t, c, node)
	const maxSessions = 5
	// One warm spare counts inside the cap too.
	p := newTestProvider(t, Config{Docker: c, NodeName: node, MaxSessions: maxSessions, WarmSpares: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	type result struct {
		s   browser.Session
		err error
	}
	results := make(chan result)
	for i := range maxSessions + 1 {
		go func() {
			s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: fmt.Sprintf("cap-%d", i)})
			results <- result{s, err}
		}()
	}
	var sessions []browser.Session
	for range maxSessions {
		r := <-results
		if r.err != nil {
			t.Fatalf("Acquire: %v", r.err)
		}
		sessions = append(sessions, r.s)
	}
	if n := p.InUse(); n != maxSessions {
		t.Errorf("InUse with %d sessions = %d", maxSessions, n)
	}

	// At the cap an Acquire waits, and gives up when its context ends.
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Second)
	_, err := p.Acquire(wctx, browser.AcquireOptions{AgentID: "cap-late"})
	wcancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire at the cap returned %v, want to wait until its deadline", err)
	}
	select {
	case r := <-results:
		t.Fatalf("sixth Acquire returned (err %v) while %d sessions were open", r.err, maxSessions)
	default:
	}
	if n := len(nodeContainers(t, c, node)); n > maxSessions {
		t.Errorf("%d containers exist, cap is %d", n, maxSessions)
	}

	// Closing one session lets the waiting sixth Acquire through.
	if err := sessions[0].Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r := <-results
	if r.err != nil {
		t.Fatalf("sixth Acquire after a Close: %v", r.err)
	}
	sessions = append(sessions[1:], r.s)
	for _, s := range sessions {
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("provider Close: %v", err)
	}
	peak := alive.Settle(t, maxSessions+1)
	if peak > maxSessions {
		t.Errorf("%d containers alive at once, cap is %d", peak, maxSessions)
	}
	if peak < maxSessions {
		t.Errorf("only %d containers alive at once; the test never reached the cap of %d", peak, maxSessions)
	}
}

func TestIdleWatchdogRemovesContainer(t *testing.T) {
	c := dockerClient(t)
	node := testNode()
	p := newTestProvider(t, Config{Docker: c, NodeName: node, WarmSpares: -1, IdleTimeout: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "idle"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	id := onlyContainer(t, c, node)
	waitRemoved(t, c, id, 30*time.Second)
	_, err = s.ExecuteScript(ctx, "return 1")
	if !errors.Is(err, browser.ErrIdleTimeout) {
		t.Errorf("call after the idle timeout: %v, want ErrIdleTimeout", err)
	}
}

func TestWarmSpareServesDefaultViewport(t *testing.T) {
	c := dockerClient(t)
	node := testNode()
	p := newTestProvider(t, Config{Docker: c, NodeName: node, WarmSpares: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.Warm(ctx); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	spare := onlyContainer(t, c, node)

	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "takes-spare"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	defer s.Close(context.Background())
	if err := p.Warm(ctx); err != nil {
		t.Fatalf("Warm after the spare was taken: %v", err)
	}
	ids := nodeContainers(t, c, node)
	if len(ids) != 2 {
		t.Fatalf("%d containers after taking the spare and warming again, want 2 (session + new spare)", len(ids))
	}
	if err := s.Navigate(ctx, "about:blank"); err != nil {
		t.Fatalf("Navigate in the former spare: %v", err)
	}

	// A different viewport cannot use the spare: a new container starts.
	wide, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "wide", Width: 1000, Height: 700})
	if err != nil {
		t.Fatalf("Acquire 1000×700: %v", err)
	}
	defer wide.Close(context.Background())
	raw, err := wide.ExecuteScript(ctx, "return window.innerWidth")
	if err != nil || string(raw) != "1000" {
		t.Errorf("viewport width %s (err %v), want 1000", raw, err)
	}
	if n := len(nodeContainers(t, c, node)); n != 3 {
		t.Errorf("%d containers, want 3 (two sessions and a spare)", n)
	}

	// Closing the session that took the spare removes that container.
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !gone(t, c, spare) {
		t.Errorf("former spare %s still exists after its session closed", shortID(spare))
	}
}

func TestMissingImageIsAClearError(t *testing.T) {
	c := dockerClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := New(ctx, Config{Docker: c, NodeName: testNode(), Image: "argus-browser:no-such-version"})
	if err == nil || !strings.Contains(err.Error(), "make browser-image") {
		t.Fatalf("New with a missing image: %v, want an error saying how to build it", err)
	}
}

func TestAcquireAfterCloseFails(t *testing.T) {
	p := newTestProvider(t, Config{WarmSpares: -1})
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Acquire(context.Background(), browser.AcquireOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close: %v, want ErrClosed", err)
	}
}

func TestProviderCloseRemovesOpenSessions(t *testing.T) {
	c := dockerClient(t)
	node := testNode()
	p := newTestProvider(t, Config{Docker: c, NodeName: node, WarmSpares: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var sessions []browser.Session
	for i := range 2 {
		s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: fmt.Sprintf("open-%d", i)})
		if err != nil {
			t.Fatalf("Acquire: %v", err)
		}
		sessions = append(sessions, s)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("provider Close: %v", err)
	}
	if ids := nodeContainers(t, c, node); len(ids) != 0 {
		t.Fatalf("containers left after provider Close: %v", ids)
	}
	for _, s := range sessions {
		if _, err := s.ExecuteScript(ctx, "return 1"); !errors.Is(err, browser.ErrSessionClosed) {
			t.Errorf("call after provider Close: %v, want ErrSessionClosed", err)
		}
	}
}

func TestRefusedWebDriverFailsFast(t *testing.T) {
	c := dockerClient(t)
	// chromedriver admits only this address, which the engine's published
	// port never connects from.
	p := newTestProvider(t, Config{Docker: c, WarmSpares: -1, Env: []string{"ARGUS_WEBDRIVER_ALLOWED_IPS=192.0.2.1"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "refused"})
	if err == nil || !strings.Contains(err.Error(), "refuses connections") {
		t.Fatalf("Acquire = %v, want chromedriver's refusal explained", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Acquire waited for its whole context instead of failing on the refusal")
	}
	if n := p.InUse(); n != 0 {
		t.Errorf("InUse after the failed start = %d, want 0", n)
	}
}
