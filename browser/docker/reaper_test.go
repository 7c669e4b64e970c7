package docker

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser"
)

// helperNodeEnv makes the test binary act as a worker that acquires
// browsers and then hangs until it is killed.
const helperNodeEnv = "ARGUS_DOCKER_TEST_HELPER_NODE"

func TestReaperRemovesContainersOfKilledProcess(t *testing.T) {
	if node := os.Getenv(helperNodeEnv); node != "" {
		runHelperWorker(node)
		return
	}
	c := dockerClient(t)
	node := testNode()

	cmd := exec.Command(os.Args[0], "-test.run=^TestReaperRemovesContainersOfKilledProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperNodeEnv+"="+node)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	for lines.Scan() && lines.Text() != "ready" {
		if msg, ok := strings.CutPrefix(lines.Text(), "error "); ok {
			t.Fatalf("helper worker: %s", msg)
		}
	}
	left := nodeContainers(t, c, node)
	if len(left) != 3 {
		t.Fatalf("helper worker holds %d containers, want 3 (two sessions and a warm spare)", len(left))
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// Nothing cleans up after a SIGKILL: the containers are still there.
	if n := len(nodeContainers(t, c, node)); n != 3 {
		t.Fatalf("%d containers after the worker was killed, want its 3", n)
	}

	// A new provider on the same node reaps them when it starts.
	p := newTestProvider(t, Config{Docker: c, NodeName: node, WarmSpares: -1})
	for _, id := range left {
		if !gone(t, c, id) {
			t.Errorf("container %s of the killed worker survived the reaper", shortID(id))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n, err := p.Reap(ctx); err != nil || n != 0 {
		t.Errorf("second Reap removed %d (err %v), want nothing left to remove", n, err)
	}
}

// runHelperWorker acquires two sessions and a warm spare on node, reports
// "ready" on stdout and hangs until killed.
func runHelperWorker(node string) {
	fail := func(err error) {
		fmt.Printf("error %v\n", err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p, err := New(ctx, Config{NodeName: node, WarmSpares: 1})
	if err != nil {
		fail(err)
	}
	for i := range 2 {
		if _, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: fmt.Sprintf("doomed-%d", i)}); err != nil {
			fail(err)
		}
	}
	if err := p.Warm(ctx); err != nil {
		fail(err)
	}
	fmt.Println("ready")
	select {}
}

func TestPeriodicReaperRemovesStrayContainer(t *testing.T) {
	c := dockerClient(t)
	node := testNode()
	p := newTestProvider(t, Config{Docker: c, NodeName: node, WarmSpares: -1, ReapInterval: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// A session of the provider itself must survive the reaper.
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "survivor"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	defer s.Close(context.Background())
	own := onlyContainer(t, c, node)

	// A container labelled for this node by another (dead) owner, created
	// after the provider started, is found by a periodic run.
	stray, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image:  DefaultImage,
			Labels: map[string]string{LabelManaged: "true", LabelNode: node, LabelOwner: "a-process-that-died"},
		},
		Name: "argus-" + node + "-stray",
	})
	if err != nil {
		t.Fatalf("create stray container: %v", err)
	}
	t.Cleanup(func() {
		_, _ = c.ContainerRemove(context.Background(), stray.ID, client.ContainerRemoveOptions{Force: true})
	})
	waitRemoved(t, c, stray.ID, 30*time.Second)

	if gone(t, c, own) {
		t.Fatal("the reaper removed a container of a live session")
	}
	if _, err := s.ExecuteScript(ctx, "return 1"); err != nil {
		t.Fatalf("live session after reaping: %v", err)
	}
}
