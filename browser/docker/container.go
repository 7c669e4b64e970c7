package docker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/argusqa/argus/internal/netpolicy"
	"math"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/webdriver"
)

// webdriverPort is where the browser image's chromedriver listens inside
// the container (docker/browser/entrypoint.sh).
const webdriverPort = 4444

// readyPoll is how often a starting container's /status is asked. Small,
// because every poll interval adds to an agent's start time (half of one
// on average); a poll before chromedriver listens is a connection the
// published port's proxy refuses at once, so asking often costs little.
const readyPoll = 5 * time.Millisecond

// box is one browser container this provider created. It holds one slot of
// the cap from creation until the container is confirmed gone.
type box struct {
	id       string
	name     string
	endpoint string
	opts     browser.AcquireOptions // the viewport its session was opened with
	http     *http.Client           // WebDriver connections to this container only
	release  func()                 // gives the slot back; runs once

	// Guarded by Provider.mu.
	agent   string
	session browser.Session
	orphan  bool // removal failed; the reaper retries and releases the slot

	destroyOnce sync.Once
	destroyErr  error
}

// startBox creates and starts a container, waits until its chromedriver is
// ready and opens a WebDriver session on it. The slot must already be held;
// release gives it back. On failure the container is removed (and the slot
// released once it is gone) before the error is returned.
func (p *Provider) startBox(ctx context.Context, agent string, opts browser.AcquireOptions, release func()) (*box, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.StartTimeout)
	defer cancel()
	b := &box{
		name:    "argus-" + p.cfg.NodeName + "-" + randomHex(6),
		opts:    opts,
		http:    &http.Client{Transport: webdriver.NewTransport()},
		release: onceFunc(release),
		agent:   agent,
	}
	cfg, hostCfg, hostPort, err := p.containerSpec(agent)
	if err != nil {
		b.release()
		return nil, err
	}

	// Creation and tracking happen under the shared reap gate, so the
	// reaper never sees a container that exists but is not yet tracked.
	t0 := time.Now()
	p.reapGate.RLock()
	created, err := p.docker.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hostCfg, Name: b.name})
	if err == nil {
		b.id = created.ID
		p.track(b)
	}
	p.reapGate.RUnlock()
	if err != nil {
		if ctx.Err() != nil {
			// The engine may have created the container before the call was
			// cancelled; it is known by name only.
			_ = p.removeContainer(context.WithoutCancel(ctx), b.name)
		}
		b.release()
		if cerrdefs.IsNotFound(err) {
			return nil, fmt.Errorf("docker: browser image %q (%s, found at start) is gone; build it with `make browser-image` (docker/browser/build.sh) and restart this process: %w", p.cfg.Image, shortID(strings.TrimPrefix(p.imageID, "sha256:")), err)
		}
		return nil, fmt.Errorf("docker: create browser container: %w", err)
	}
	log := p.log.With("container", shortID(b.id), "agent", agent)

	fail := func(err error) (*box, error) {
		if derr := p.destroy(context.WithoutCancel(ctx), b); derr != nil {
			err = errors.Join(err, derr)
		}
		return nil, err
	}
	t1 := time.Now()
	if _, err := p.docker.ContainerStart(ctx, b.id, client.ContainerStartOptions{}); err != nil {
		return fail(fmt.Errorf("docker: start browser container %s: %w", shortID(b.id), err))
	}
	if hostPort == 0 {
		if hostPort, err = p.publishedPort(ctx, b.id); err != nil {
			return fail(err)
		}
	}
	b.endpoint = "http://127.0.0.1:" + strconv.Itoa(hostPort)
	t2 := time.Now()
	if err := p.waitReady(ctx, b); err != nil {
		return fail(err)
	}
	t3 := time.Now()

	scfg := p.cfg.Session
	scfg.Name = agent
	if scfg.Name == "" {
		scfg.Name = "spare " + b.name
	}
	scfg.Width, scfg.Height = opts.Width, opts.Height
	scfg.Identity = opts.Identity
	scfg.Egress = opts.Egress
	if agent == "" {
		// A spare's agent and its policy come later (claim). Until then it
		// sits on about:blank and resolves no name: the browser's own
		// background requests go nowhere.
		scfg.Egress = &browser.EgressPolicy{Addresses: &netpolicy.Policy{Resolver: netpolicy.StaticResolver{}}}
	}
	scfg.EgressProxyListen = p.proxyListen
	scfg.IdleTimeout = p.cfg.IdleTimeout
	scfg.HTTPClient = b.http
	scfg.Logger = p.log
	scfg.OnClose = func(ctx context.Context) error { return p.destroy(ctx, b) }
	scfg.UploadFile = func(ctx context.Context, local string) (string, error) { return p.upload(ctx, b, local) }
	// OpenWebDriver runs OnClose itself when it fails, which removes the
	// container.
	sess, err := browser.OpenWebDriver(ctx, b.endpoint, scfg)
	if err != nil {
		return nil, fmt.Errorf("docker: open browser session in container %s: %w", shortID(b.id), err)
	}
	p.mu.Lock()
	b.session = sess
	p.mu.Unlock()
	// The phases show where a slow start spends its time.
	log.Debug("browser container ready", "endpoint", b.endpoint, "create", t1.Sub(t0).Round(time.Millisecond),
		"start", t2.Sub(t1).Round(time.Millisecond), "driver", t3.Sub(t2).Round(time.Millisecond),
		"session", time.Since(t3).Round(time.Millisecond))
	return b, nil
}

// containerSpec builds the container's configuration. hostPort is the
// loopback port chromedriver listens on with host networking; 0 means the
// port is published and chosen by Docker.
func (p *Provider) containerSpec(agent string) (*container.Config, *container.HostConfig, int, error) {
	port := network.MustParsePort(strconv.Itoa(webdriverPort) + "/tcp")
	cfg := &container.Config{
		// The image found at start, by ID: a tag moved by a rebuild must not
		// pair a new image with the Chromium volume of the old one.
		Image: p.imageID,
		Labels: map[string]string{
			LabelManaged: "true",
			LabelNode:    p.cfg.NodeName,
			LabelAgent:   agent,
			LabelOwner:   p.owner,
		},
		// The profile and caches go to the tmpfs on /tmp: in memory, limited,
		// and off the container's copy-on-write layer, which is slow to write.
		Env: append([]string{"XDG_CONFIG_HOME=/tmp/.config", "XDG_CACHE_HOME=/tmp/.cache"}, p.cfg.Env...),
	}
	pids := p.cfg.PidsLimit
	hostCfg := &container.HostConfig{
		NetworkMode: container.NetworkMode(p.cfg.Network),
		// docker-init as PID 1 forwards SIGTERM to chromedriver and reaps
		// Chromium's exited children.
		Init:        ptr(true),
		CapDrop:     []string{"ALL"},
		SecurityOpt: []string{"no-new-privileges"},
		ShmSize:     p.cfg.ShmSizeBytes,
		Tmpfs: map[string]string{
			"/tmp": "rw,nosuid,nodev,mode=1777,size=" + strconv.FormatInt(p.cfg.TmpSizeBytes, 10),
		},
		Resources: container.Resources{
			Memory:     p.cfg.MemoryBytes,
			MemorySwap: p.cfg.MemoryBytes,
			PidsLimit:  &pids,
			NanoCPUs:   p.cfg.NanoCPUs,
		},
	}
	if p.chromiumVolume != "" {
		hostCfg.Mounts = []mount.Mount{chromiumMount(p.chromiumVolume)}
	}
	if p.cfg.Network == "host" {
		hp, err := freeLoopbackPort()
		if err != nil {
			return nil, nil, 0, fmt.Errorf("docker: find a free loopback port for chromedriver: %w", err)
		}
		cfg.Env = append(cfg.Env, "ARGUS_WEBDRIVER_LOOPBACK=1", "ARGUS_WEBDRIVER_PORT="+strconv.Itoa(hp))
		return cfg, hostCfg, hp, nil
	}
	cfg.ExposedPorts = network.PortSet{port: {}}
	hostCfg.PortBindings = network.PortMap{port: {{HostIP: netip.MustParseAddr("127.0.0.1")}}}
	return cfg, hostCfg, 0, nil
}

// publishedPort returns the loopback port Docker published chromedriver's
// port on.
func (p *Provider) publishedPort(ctx context.Context, id string) (int, error) {
	res, err := p.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return 0, fmt.Errorf("docker: inspect browser container %s: %w", shortID(id), err)
	}
	if ns := res.Container.NetworkSettings; ns != nil {
		for port, bindings := range ns.Ports {
			if port.Num() != webdriverPort {
				continue
			}
			for _, bnd := range bindings {
				if n, err := strconv.Atoi(bnd.HostPort); err == nil && bnd.HostIP.IsLoopback() {
					return n, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("docker: browser container %s has no WebDriver port published on 127.0.0.1", shortID(id))
}

// waitReady polls chromedriver's /status until it reports ready. A
// container that exits first fails at once, with the end of its log.
func (p *Provider) waitReady(ctx context.Context, b *box) error {
	wd, err := webdriver.NewClient(b.endpoint, b.http)
	if err != nil {
		return fmt.Errorf("docker: %w", err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	exited := p.docker.ContainerWait(wctx, b.id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	var last error
	for {
		sctx, scancel := context.WithTimeout(ctx, time.Second)
		st, err := wd.Status(sctx)
		scancel()
		if err == nil && st.Ready {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("not ready: %s", st.Message)
		}
		// chromedriver answers 403 to peers outside its allow-list; waiting
		// longer cannot help.
		if perr := (*webdriver.ProtocolError)(nil); errors.As(err, &perr) && perr.HTTPStatus == http.StatusForbidden {
			return fmt.Errorf("docker: chromedriver in container %s refuses connections through the published port "+
				"(it admits only the container's gateway unless Config.Env sets ARGUS_WEBDRIVER_ALLOWED_IPS): %w", shortID(b.id), err)
		}
		last = err
		select {
		case res := <-exited.Result:
			return fmt.Errorf("docker: browser container %s exited (status %d) before chromedriver was ready; its log ends: %s",
				shortID(b.id), res.StatusCode, p.logTail(context.WithoutCancel(ctx), b.id))
		case err := <-exited.Error:
			if ctx.Err() == nil {
				return fmt.Errorf("docker: watch browser container %s: %w", shortID(b.id), err)
			}
		case <-tick.C:
			continue
		case <-ctx.Done():
		}
		return fmt.Errorf("docker: chromedriver in container %s not ready (last answer: %v): %w", shortID(b.id), last, context.Cause(ctx))
	}
}

// logTail returns the last lines a container wrote, for error messages.
func (p *Provider) logTail(ctx context.Context, id string) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	rc, err := p.docker.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: "15"})
	if err != nil {
		return "(log unavailable: " + err.Error() + ")"
	}
	defer rc.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, rc); err != nil && out.Len() == 0 {
		return "(log unavailable: " + err.Error() + ")"
	}
	s := strings.TrimSpace(out.String())
	if s == "" {
		return "(empty)"
	}
	return s
}

// destroy removes b's container once, however often it is called (session
// close, idle watchdog, failed start, provider close). The slot is given
// back only when the container is confirmed gone; if removal fails, the
// container stays counted and the reaper retries it.
func (p *Provider) destroy(ctx context.Context, b *box) error {
	b.destroyOnce.Do(func() {
		start := time.Now()
		p.dropSpare(b)
		err := p.removeContainer(ctx, b.id)
		b.http.CloseIdleConnections()
		if err != nil {
			p.mu.Lock()
			b.orphan = true
			p.mu.Unlock()
			b.destroyErr = err
			p.log.Error("browser container not removed; the reaper will retry", "container", shortID(b.id), "err", err)
			return
		}
		p.mu.Lock()
		agent := b.agent
		p.mu.Unlock()
		p.untrack(b)
		p.log.Debug("browser container removed", "container", shortID(b.id), "agent", agent, "took", time.Since(start).Round(time.Millisecond))
		p.kickRefill()
	})
	return b.destroyErr
}

// removeContainer stops a container (SIGTERM, then SIGKILL after the stop
// grace), removes it, forcing if needed, and checks that it is gone. It
// finishes within DestroyTimeout even when ctx is already done, so that a
// cancelled caller cannot leave a container behind.
func (p *Provider) removeContainer(ctx context.Context, id string) error {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.DestroyTimeout)
	defer cancel()
	if ctx.Err() == nil {
		grace := int(math.Ceil(p.cfg.StopGrace.Seconds()))
		sctx, scancel := context.WithTimeout(ctx, p.cfg.StopGrace+time.Second)
		_, err := p.docker.ContainerStop(sctx, id, client.ContainerStopOptions{Timeout: &grace})
		scancel()
		if err != nil && !cerrdefs.IsNotFound(err) {
			p.log.Debug("stopping browser container failed; forcing removal", "container", shortID(id), "err", err)
		}
	}
	_, err := p.docker.ContainerRemove(dctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) && !cerrdefs.IsConflict(err) {
		return fmt.Errorf("docker: remove browser container %s: %w", shortID(id), err)
	}
	return p.confirmGone(dctx, id)
}

// confirmGone returns nil once the engine no longer knows the container.
// A removal already in progress elsewhere (the reaper, a second close) is
// waited for.
func (p *Provider) confirmGone(ctx context.Context, id string) error {
	_, err := p.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("docker: check browser container %s is gone: %w", shortID(id), err)
	}
	w := p.docker.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
	select {
	case <-w.Result:
		return nil
	case err := <-w.Error:
		if cerrdefs.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("docker: browser container %s still exists: %w", shortID(id), err)
	}
}

// track and untrack maintain the set of containers this provider owns.
func (p *Provider) track(b *box) {
	p.mu.Lock()
	p.boxes[b.id] = b
	p.mu.Unlock()
}

func (p *Provider) untrack(b *box) {
	p.mu.Lock()
	delete(p.boxes, b.id)
	b.orphan = false
	p.mu.Unlock()
	b.release()
}

// nameUnsafe matches what may not appear in a container name.
var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// agentName is the container name a spare gets once an agent takes it.
func agentName(node, agent string) string {
	a := strings.Trim(nameUnsafe.ReplaceAllString(agent, "-"), "-.")
	if len(a) > 40 {
		a = a[:40]
	}
	if a == "" {
		a = "agent"
	}
	return "argus-" + node + "-" + a + "-" + randomHex(3)
}

func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func onceFunc(f func()) func() {
	if f == nil {
		return func() {}
	}
	return sync.OnceFunc(f)
}

func ptr[T any](v T) *T { return &v }
