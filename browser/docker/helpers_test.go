package docker

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// dockerClient returns a client for the engine the environment names, or
// skips the test when no engine answers. A missing browser image is a
// failure, not a skip: CI builds it.
func dockerClient(tb testing.TB) *client.Client {
	tb.Helper()
	c, err := client.New(client.FromEnv)
	if err != nil {
		tb.Fatalf("docker client: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		tb.Skipf("skipping: no Docker engine answers at %s (%v); the docker provider tests need one", c.DaemonHost(), err)
	}
	if _, err := c.ImageInspect(ctx, DefaultImage); err != nil {
		tb.Fatalf("browser image %s missing (%v); build it with `make browser-image`", DefaultImage, err)
	}
	return c
}

// testNode returns a node name no other test or process uses, so that
// reapers and label filters of parallel tests never meet.
func testNode() string { return "test-" + randomHex(5) }

// testLogger writes the provider's log into the test's output.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newTestProvider starts a provider for one test and, when the test ends,
// closes it and checks that it left no container behind.
func newTestProvider(tb testing.TB, cfg Config) *Provider {
	tb.Helper()
	c := dockerClient(tb)
	if cfg.Docker == nil {
		cfg.Docker = c
	}
	if cfg.NodeName == "" {
		cfg.NodeName = testNode()
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(tb)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := New(ctx, cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			tb.Errorf("Close: %v", err)
		}
		if ids := nodeContainers(tb, c, p.cfg.NodeName); len(ids) != 0 {
			tb.Errorf("containers of node %s left after Close: %v", p.cfg.NodeName, ids)
		}
	})
	return p
}

// nodeContainers lists the ids of all Argus containers of node, stopped
// ones included.
func nodeContainers(tb testing.TB, c *client.Client, node string) []string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := c.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: nodeFilter(node)})
	if err != nil {
		tb.Fatalf("list containers: %v", err)
	}
	ids := make([]string, 0, len(res.Items))
	for _, it := range res.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// onlyContainer returns the single Argus container of node.
func onlyContainer(tb testing.TB, c *client.Client, node string) string {
	tb.Helper()
	ids := nodeContainers(tb, c, node)
	if len(ids) != 1 {
		tb.Fatalf("want exactly one container of node %s, found %d", node, len(ids))
	}
	return ids[0]
}

// gone reports whether the engine no longer knows the container.
func gone(tb testing.TB, c *client.Client, id string) bool {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil && !cerrdefs.IsNotFound(err) {
		tb.Fatalf("inspect %s: %v", shortID(id), err)
	}
	return cerrdefs.IsNotFound(err)
}

// waitRemoved blocks until the engine has removed the container, failing
// the test after timeout.
func waitRemoved(tb testing.TB, c *client.Client, id string, timeout time.Duration) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	w := c.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionRemoved})
	select {
	case <-w.Result:
	case err := <-w.Error:
		if !cerrdefs.IsNotFound(err) {
			tb.Fatalf("container %s not removed within %s: %v", shortID(id), timeout, err)
		}
	}
}

// aliveCounter follows the engine's create and destroy events for one
// node's containers and remembers the most that existed at once. Events
// are replayed from before it started, so none is missed.
type aliveCounter struct {
	mu      sync.Mutex
	alive   map[string]bool
	created int
	max     int
	err     error
	changed chan struct{} // closed and replaced on every event
}

func countAlive(tb testing.TB, c *client.Client, node string) *aliveCounter {
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	a := &aliveCounter{alive: map[string]bool{}, changed: make(chan struct{})}
	f := make(client.Filters).Add("type", string(events.ContainerEventType)).
		Add("event", string(events.ActionCreate), string(events.ActionDestroy)).
		Add("label", LabelNode+"="+node)
	res := c.Events(ctx, client.EventsListOptions{Since: strconv.FormatInt(time.Now().Add(-2*time.Second).Unix(), 10), Filters: f})
	go func() {
		for {
			select {
			case m := <-res.Messages:
				a.mu.Lock()
				switch m.Action {
				case events.ActionCreate:
					a.alive[m.Actor.ID] = true
					a.created++
				case events.ActionDestroy:
					delete(a.alive, m.Actor.ID)
				}
				a.max = max(a.max, len(a.alive))
				close(a.changed)
				a.changed = make(chan struct{})
				a.mu.Unlock()
			case err := <-res.Err:
				a.mu.Lock()
				if ctx.Err() == nil {
					a.err = err
				}
				close(a.changed)
				a.changed = make(chan struct{})
				a.mu.Unlock()
				return
			}
		}
	}()
	return a
}

// Settle waits until at least created containers were created and none is
// left, then returns the largest number that existed at once.
func (a *aliveCounter) Settle(tb testing.TB, created int) int {
	tb.Helper()
	timeout := time.After(60 * time.Second)
	for {
		a.mu.Lock()
		err, n, left, peak, changed := a.err, a.created, len(a.alive), a.max, a.changed
		a.mu.Unlock()
		if err != nil {
			tb.Fatalf("docker events: %v", err)
		}
		if n >= created && left == 0 {
			return peak
		}
		select {
		case <-changed:
		case <-timeout:
			tb.Fatalf("docker events: saw %d of %d creations, %d containers still alive", n, created, left)
		}
	}
}

// discardLogger keeps benchmark output to the numbers.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
