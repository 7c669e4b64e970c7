package jobs_test

import (
	"context"
	"fmt"
	"github.com/argusqa/argus/internal/netpolicy"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// helperEnv makes the test binary run workerProcess instead of the tests.
const helperEnv = "ARGUS_JOBS_TEST_WORKER"

// Short limits for the rescue test: the job timeout must hold one agent
// run in a cold Chromium, and rescue must come after it.
const (
	rescueJobTimeout = 15 * time.Second
	rescueAfter      = 16 * time.Second
)

// workerProcess is a worker in its own process, for
// TestKilledWorkerIsRescued to kill. It works agents until it is killed.
func workerProcess() int {
	ctx := context.Background()
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "test worker:", err)
		return 1
	}
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return fail(err)
	}
	st, err := store.New(ctx, pool, store.Config{BcryptCost: 4})
	if err != nil {
		return fail(err)
	}
	blobs, err := storage.NewLocal(os.Getenv("ARGUS_TEST_BLOB_DIR"))
	if err != nil {
		return fail(err)
	}
	browsers, err := local.New(local.Config{MaxSessions: 1})
	if err != nil {
		return fail(err)
	}
	j, err := jobs.New(jobs.ForTests(jobs.Config{
		Pool: pool, Store: st, Blobs: blobs, Browser: browsers,
		JobTimeout: rescueJobTimeout, RescueStuckJobsAfter: rescueAfter,
		TargetPolicy: &netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}))
	if err != nil {
		return fail(err)
	}
	if err := j.Start(ctx); err != nil {
		return fail(err)
	}
	fmt.Println("worker started")
	select {}
}

// TestKilledWorkerIsRescued kills a worker process with SIGKILL in the
// middle of an agent: its chromedriver dies with it (Pdeathsig) and the
// next worker's local provider reaps its Chromium when it starts, River
// rescues the job after RescueStuckJobsAfter, and another worker
// runs the agent again as a new attempt, to a pass.
func TestKilledWorkerIsRescued(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a worker process and waits for River's rescuer")
	}
	ctx := context.Background()
	app := newWaitingApp(t)
	f := newFixture(t, app.url)
	localBrowsers(t, 1) // skips without Chromium
	tt := f.test("Waits until ready", store.TestInput{Steps: []string{`wait for "Ready" within 60s`}})
	insertOnly := f.newJobs(jobs.Config{})
	run, agents := f.run(insertOnly, tt)
	hub := events.NewHub(f.pool, testLogger(t))
	hubCtx, stopHub := context.WithCancel(ctx)
	defer stopHub()
	hubReady := make(chan struct{})
	go func() { _ = hub.Run(hubCtx, hubReady) }()
	<-hubReady
	sub := hub.Subscribe(f.tenant.ID, run.ID, agents[0].ID)
	defer sub.Close()
	stepRecorded := make(chan struct{})
	go func() {
		for ev := range sub.C {
			if ev.Kind == events.KindStep {
				close(stepRecorded)
				return
			}
		}
	}()

	// A short directory: Chromium's singleton socket path must fit in a
	// sockaddr_un, which a t.TempDir() path plus the profile does not.
	tmp, err := os.MkdirTemp("", "aw")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "DATABASE_URL="+f.dbURL, "ARGUS_TEST_BLOB_DIR="+f.blobDir, "TMPDIR="+tmp)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	// The agent is in its wait step, in the worker's browser, once it
	// recorded the start page and the page polls.
	for _, ch := range []chan struct{}{stepRecorded, app.polling} {
		select {
		case <-ch:
		case <-exited:
			t.Fatal("the worker process exited")
		case <-time.After(90 * time.Second):
			t.Fatal("the worker never ran the agent")
		}
	}
	if a := f.agent(agents[0].ID); a.Status != store.StatusRunning || a.Attempt != 1 {
		t.Fatalf("agent before the kill: %+v", a)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	killed := time.Now()
	orphans := processesUnder(tmp)
	if len(orphans) == 0 {
		t.Fatal("no browser process outlived the killed worker: nothing to reap, the test proves nothing")
	}
	app.ready.Store(true)

	// A second worker takes over on the same host: its local provider
	// shares the dead worker's TempDir and, when it starts, reaps the
	// browser the dead worker left. River's leader (this process, once the
	// dead one's leadership expires) rescues the job.
	browsers, err := local.New(local.Config{MaxSessions: 1, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = browsers.Close(ctx)
	})
	t.Logf("killed → dead worker's browser reaped: %v (%d processes left by it: %v)", time.Since(killed).Round(time.Millisecond), len(orphans), describeProcesses(orphans))
	if left := processesUnder(tmp); len(left) > 0 {
		t.Errorf("processes of the killed worker's browser outlived the next provider's start: %v", describeProcesses(left))
	}
	j := f.newJobs(jobs.Config{Browser: browsers, JobTimeout: rescueJobTimeout, RescueStuckJobsAfter: rescueAfter})
	done := subscribe(j)
	start(t, j)
	ev := finished(t, done, 1, 3*time.Minute)[0]
	t.Logf("killed → rescued agent finished: %v", time.Since(killed).Round(time.Millisecond))

	a := f.agent(agents[0].ID)
	for _, e := range ev.Job.Errors {
		t.Logf("job attempt %d failed: %s", e.Attempt, e.Error)
	}
	// Attempt 2 is the rescue; on a loaded machine that attempt may itself
	// hit an infrastructure failure (a browser slow to start) and be
	// retried, which is the retry policy working, not a second rescue.
	if a.Status != store.StatusPassed || a.Attempt < 2 || ev.Job.Attempt != a.Attempt {
		t.Fatalf("agent after the rescue: %+v (job attempt %d)", a, ev.Job.Attempt)
	}
	steps, err := f.store.ListSteps(ctx, f.tenant.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	attempts := map[int]int{}
	for _, st := range steps {
		attempts[st.Attempt]++
	}
	if attempts[1] == 0 || attempts[a.Attempt] == 0 {
		t.Fatalf("steps per attempt: %v", attempts)
	}
	if r, _ := f.store.GetRun(ctx, f.tenant.ID, run.ID); r.Status != store.StatusPassed {
		t.Fatalf("run: %s", r.Status)
	}
	if left := processesUnder(tmp); len(left) > 0 {
		t.Errorf("browser processes left after the rescue: %v", describeProcesses(left))
	}
}

func describeProcesses(pids []int) []string {
	var names []string
	for _, pid := range pids {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		names = append(names, fmt.Sprintf("%d %s", pid, strings.TrimSpace(string(comm))))
	}
	return names
}

// processesUnder lists processes whose working directory or command line
// lies under dir: the local provider runs chromedriver and Chromium in a
// session directory under TMPDIR.
func processesUnder(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil || pid == os.Getpid() {
			continue
		}
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if strings.Contains(string(stat), ") Z ") {
			continue // a zombie holds nothing
		}
		if strings.HasPrefix(cwd, dir) || strings.Contains(string(cmdline), dir) {
			out = append(out, pid)
		}
	}
	return out
}
