package local_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
)

// helperEnv makes the test binary run ownerProcess instead of the tests;
// its value is the TempDir to use.
const helperEnv = "ARGUS_LOCAL_TEST_OWNER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(ownerProcess(dir))
	}
	os.Exit(m.Run())
}

// ownerProcess is an Argus process with one open local session, for
// TestReapKilledOwner to SIGKILL. It prints its session directory once
// Chromium runs, then waits to be killed.
func ownerProcess(tempDir string) int {
	before := sessionDirs(tempDir)
	p, err := local.New(local.Config{TempDir: tempDir, ReapInterval: -1})
	if err != nil {
		fmt.Fprintln(os.Stderr, "owner:", err)
		return 1
	}
	if _, err := p.Acquire(context.Background(), browser.AcquireOptions{AgentID: "owner"}); err != nil {
		fmt.Fprintln(os.Stderr, "owner:", err)
		return 1
	}
	for d := range sessionDirs(tempDir) {
		if !before[d] {
			fmt.Println(d)
		}
	}
	select {}
}

func sessionDirs(tempDir string) map[string]bool {
	m, _ := filepath.Glob(filepath.Join(tempDir, "argus-browser-*"))
	out := map[string]bool{}
	for _, d := range m {
		out[d] = true
	}
	return out
}

// killedOwner starts ownerProcess, SIGKILLs it once its browser runs, and
// returns the dead owner's session directory and the processes it left.
func killedOwner(t *testing.T, tempDir string) (string, []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+tempDir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Scan()
		line <- sc.Text()
		_, _ = bufio.NewReader(out).WriteTo(os.Stderr)
	}()
	var dir string
	select {
	case dir = <-line:
	case <-time.After(90 * time.Second):
		t.Fatal("the owner process never opened its session")
	}
	if dir == "" {
		t.Fatal("the owner process exited without a session")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// Whatever happens below, the test leaves nothing running.
	t.Cleanup(func() {
		for _, pid := range processesUnder(dir) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return dir, describe(processesUnder(dir))
}

// requireLeft fails the test when the killed owner left nothing: then
// there is nothing to reap and the test proves nothing.
func requireLeft(t *testing.T, dir string, left []string) {
	t.Helper()
	if len(left) == 0 {
		t.Fatalf("no browser process outlived the killed owner of %s", dir)
	}
}

// processesUnder lists the live processes whose working directory or
// command line lies in dir, independently of the reaper's own search.
func processesUnder(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil || pid == os.Getpid() {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if strings.Contains(string(stat), ") Z ") {
			continue
		}
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if cwd == dir || strings.HasPrefix(cwd, dir+"/") || strings.Contains(string(cmdline), dir+"/") {
			out = append(out, pid)
		}
	}
	return out
}

func describe(pids []int) []string {
	var out []string
	for _, pid := range pids {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		out = append(out, fmt.Sprintf("%d %s", pid, strings.TrimSpace(string(comm))))
	}
	return out
}

// shortTempDir is a TempDir short enough for Chromium's singleton socket
// path, which t.TempDir() plus the profile would make too long for a
// sockaddr_un.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	dir, err = filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReapKilledOwner: an Argus process SIGKILLed with a session open
// leaves Chromium running (chromedriver dies with it). A provider started
// later on the same TempDir reaps it when it starts, and a live provider's
// ReapOrphans reaps the next one; neither touches the live provider's own
// session.
func TestReapKilledOwner(t *testing.T) {
	browsertest.ChromiumPath(t)
	tempDir := shortTempDir(t)
	live, err := local.New(local.Config{TempDir: tempDir, ReapInterval: -1, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = live.Close(ctx)
	})
	ctx := t.Context()
	sess, err := live.Acquire(ctx, browser.AcquireOptions{AgentID: "live"})
	if err != nil {
		t.Fatal(err)
	}
	liveDirs := sessionDirs(tempDir)
	liveProcs := len(processesUnder(firstKey(liveDirs)))

	// A provider starting after the crash reaps at start.
	dir, left := killedOwner(t, tempDir)
	requireLeft(t, dir, left)
	t.Logf("left by the killed owner: %d processes %v", len(left), left)
	start := time.Now()
	later, err := local.New(local.Config{TempDir: tempDir, ReapInterval: -1, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("New reaped the dead owner's browser in %v", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() { _ = later.Close(context.Background()) })
	assertReaped(t, dir)

	// A live provider's periodic reaping finds the next one.
	dir, left = killedOwner(t, tempDir)
	requireLeft(t, dir, left)
	start = time.Now()
	res, err := live.ReapOrphans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ReapOrphans: %+v of %d left %v, in %v", res, len(left), left, time.Since(start).Round(time.Millisecond))
	// A helper may exit on its own between the two looks, so the count is
	// not compared with len(left); assertReaped checks nothing is left.
	if res.Sessions != 1 || res.Processes == 0 {
		t.Errorf("ReapOrphans = %+v, want 1 session and its processes", res)
	}
	assertReaped(t, dir)

	// Nothing of the live provider's session was touched: its directory
	// and processes are there and the browser answers.
	for d := range liveDirs {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("live session directory: %v", err)
		}
	}
	if n := len(processesUnder(firstKey(liveDirs))); n != liveProcs {
		t.Errorf("live session has %d processes, had %d", n, liveProcs)
	}
	if err := sess.Navigate(ctx, "about:blank"); err != nil {
		t.Errorf("live session after reaping: %v", err)
	}
	if n, err := live.Reap(ctx); n != 0 || err != nil {
		t.Errorf("Reap with no orphans = %d, %v", n, err)
	}
	if err := sess.Close(ctx); err != nil {
		t.Error(err)
	}
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

func assertReaped(t *testing.T, dir string) {
	t.Helper()
	if left := processesUnder(dir); len(left) > 0 {
		t.Errorf("still running after reaping: %v", describe(left))
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("session directory %s after reaping: %v", dir, err)
	}
}

// BenchmarkReapNothing is the periodic cost of reaping on a healthy host:
// live sessions only, so /proc is not scanned.
func BenchmarkReapNothing(b *testing.B) {
	browsertest.ChromiumPath(b)
	tempDir, err := os.MkdirTemp("", "lr")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tempDir)
	p, err := local.New(local.Config{TempDir: tempDir, ReapInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	defer p.Close(ctx)
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "live"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	for b.Loop() {
		if res, err := p.ReapOrphans(ctx); err != nil || res.Sessions != 0 {
			b.Fatal(res, err)
		}
	}
}

// reaped is one "reaped" log record.
type reaped struct {
	dir       string
	processes int64
}

// reapSignal is a slog handler that reports each reaped session.
type reapSignal struct{ reaped chan reaped }

func (h reapSignal) Enabled(context.Context, slog.Level) bool { return true }
func (h reapSignal) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h reapSignal) WithGroup(string) slog.Handler            { return h }
func (h reapSignal) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "reaped the browser of a dead process" {
		var got reaped
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "dir":
				got.dir = a.Value.String()
			case "processes":
				got.processes = a.Value.Int64()
			}
			return true
		})
		h.reaped <- got
	}
	return nil
}

// TestPeriodicReap: a running provider's own reaper loop removes the
// browser of an owner killed after it started, and Close stops the loop.
func TestPeriodicReap(t *testing.T) {
	browsertest.ChromiumPath(t)
	tempDir := shortTempDir(t)
	sig := reapSignal{reaped: make(chan reaped, 1)}
	p, err := local.New(local.Config{TempDir: tempDir, ReapInterval: 50 * time.Millisecond, Logger: slog.New(sig)})
	if err != nil {
		t.Fatal(err)
	}
	// The loop may reap before killedOwner looks, so what it saw left is
	// not required here; the reaper's own count shows what survived.
	dir, _ := killedOwner(t, tempDir)
	killed := time.Now()
	select {
	case got := <-sig.reaped:
		if got.dir != dir || got.processes == 0 {
			t.Fatalf("reaped %+v, want %s and its processes", got, dir)
		}
		t.Logf("periodic reaper killed %d processes within %v of the kill", got.processes, time.Since(killed).Round(time.Millisecond))
	case <-time.After(60 * time.Second):
		t.Fatal("the periodic reaper did not reap the killed owner's browser")
	}
	assertReaped(t, dir)
	if err := p.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
