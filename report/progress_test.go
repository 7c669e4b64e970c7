package report

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

// play sends a run's events to p, sequentially, the way a runner would.
func play(p Progress, runs []TestRun) {
	for _, r := range runs {
		if r.Status() != StatusSkipped {
			p.Started(r.Test)
		}
		for _, s := range r.Steps {
			p.Step(r.Test, s)
		}
		p.Finished(r)
	}
}

func TestPlainProgress(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	play(p, fixtureRuns(t))
	p.Close()
	golden(t, "progress_plain.golden.txt", b.Bytes())

	out := b.String()
	for _, want := range []string{
		"▶ Log in — started\n",
		"  2 click: clicked [4] button \"Log in\"; URL is now /dashboard (114 ms)\n",
		"✓ Log in — passed in 4.2s (4 steps, 0 model calls)\n",
		"✗ Checkout — failed: step 2 (expect text \"Order placed\") failed",
		"  2 expect text: text \"Order placed\" is not on the page (114 ms) ✗\n",
		"! Search — error: The model could not be reached",
		"- Sign up (goal only) — skipped: needs a language model: set ARGUS_MODEL=",
		"✓ Save settings — failed as expected: step 2",
		"✗ Old bug — passed, but was expected to fail: Coupons used to be ignored.\n",
		"! Needs a secret — error: could not start: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plain progress lacks %q", want)
		}
	}
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("plain progress must not contain escape sequences or carriage returns: %q", out)
	}
}

// With agents in parallel, step lines of different tests interleave, so
// each names its test.
func TestPlainProgressParallel(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	a, c := &suite.Test{Name: "A"}, &suite.Test{Name: "B"}
	p.Started(a)
	p.Step(a, Step{Index: 0, Action: "navigate", Outcome: "opened /"})
	p.Started(c)
	p.Step(c, Step{Index: 0, Action: "navigate", Outcome: "opened /b"})
	p.Step(a, Step{Index: 1, Action: "click", Outcome: "clicked", Failed: true})
	p.Finished(TestRun{Test: a, Result: &agent.Result{Verdict: agent.VerdictPassed, FailedStep: -1}})
	p.Step(c, Step{Index: 1, Action: "click", Outcome: "clicked"})
	want := "▶ A — started\n" +
		"  0 navigate: opened / (0 ms)\n" +
		"▶ B — started\n" +
		"  B · 0 navigate: opened /b (0 ms)\n" +
		"  A · 1 click: clicked (0 ms) ✗\n" +
		"✓ A — passed in 0s (0 steps, 0 model calls)\n" +
		"  1 click: clicked (0 ms)\n"
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestProgressStripsEscapes(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	tt := &suite.Test{Name: "evil\x1b]0;owned\x07 name\x1b[2J"}
	p.Started(tt)
	p.Step(tt, Step{Index: 0, Action: "click\r\n", Outcome: "clicked \x1b[31mred\x1b[0m\nnext line\u202Eevil\u009b1m raw\x9b"})
	got := b.String()
	want := "▶ evil name — started\n  0 click: clicked red next line evil 1m raw\uFFFD (0 ms)\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// syncWriter records writes and signals each one, so tests wait for the
// display instead of sleeping.
type syncWriter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes chan string
}

func newSyncWriter() *syncWriter { return &syncWriter{writes: make(chan string, 1000)} }

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	w.writes <- string(p)
	return len(p), nil
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newTestTerminal(t *testing.T, width int) (*terminalProgress, *syncWriter, chan time.Time, *fakeClock) {
	t.Helper()
	w := newSyncWriter()
	tick := make(chan time.Time)
	clock := &fakeClock{now: base}
	p := newTerminalProgress(w, terminalOptions{tick: tick, now: clock.Now, width: func() int { return width }})
	t.Cleanup(p.Close)
	return p, w, tick, clock
}

func nextWrite(t *testing.T, w *syncWriter) string {
	t.Helper()
	select {
	case s := <-w.writes:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("the display wrote nothing")
		return ""
	}
}

func noWrite(t *testing.T, w *syncWriter) {
	t.Helper()
	select {
	case s := <-w.writes:
		t.Fatalf("unexpected write %q", s)
	default:
	}
}

func TestTerminalProgress(t *testing.T) {
	p, w, tick, clock := newTestTerminal(t, 80)
	login, search := &suite.Test{Name: "Log in"}, &suite.Test{Name: "Search"}

	p.Started(login)
	p.Started(search)
	noWrite(t, w) // events alone never draw
	tick <- base
	if got, want := nextWrite(t, w), "⠋ Log in · step 0 · starting the browser · 0s\n⠋ Search · step 0 · starting the browser · 0s\n"; got != want {
		t.Errorf("first frame:\n got %q\nwant %q", got, want)
	}

	clock.Add(4250 * time.Millisecond)
	p.Step(login, Step{Index: 0, Action: "navigate", Outcome: "opened /login"})
	p.Step(login, Step{Index: 1, Action: "click", Outcome: `clicked button "Sign in"`})
	p.Step(search, Step{Index: 0, Action: "click", Outcome: "not there", Failed: true})
	noWrite(t, w)
	tick <- base
	want := "\r\x1b[2A\x1b[J" +
		"⠙ Log in · step 2 · click: clicked button \"Sign in\" · 4.2s\n" +
		"✗ Search · step 1 · click: not there · 4.2s\n"
	if got := nextWrite(t, w); got != want {
		t.Errorf("second frame:\n got %q\nwant %q", got, want)
	}

	// A finished test is printed at once, above the live lines, which
	// come back at the next tick without it.
	p.Finished(TestRun{Test: login, Result: &agent.Result{Verdict: agent.VerdictPassed, FailedStep: -1, Duration: 4200 * time.Millisecond}, Steps: make([]Step, 2)})
	if got, want := nextWrite(t, w), "\r\x1b[2A\x1b[J✓ Log in — passed in 4.2s (2 steps, 0 model calls)\n"; got != want {
		t.Errorf("finished:\n got %q\nwant %q", got, want)
	}
	tick <- base
	if got, want := nextWrite(t, w), "✗ Search · step 1 · click: not there · 4.2s\n"; got != want {
		t.Errorf("after finish:\n got %q\nwant %q", got, want)
	}

	p.Close()
	if got, want := nextWrite(t, w), "\r\x1b[1A\x1b[J"; got != want {
		t.Errorf("close: got %q, want %q", got, want)
	}
	p.Close() // harmless
	p.Finished(TestRun{Test: search, SkipReason: "late"})
	if got := nextWrite(t, w); got != "- Search — skipped: late\n" {
		t.Errorf("after close, lines are plain: %q", got)
	}
}

// However fast agents record steps, the live lines are drawn only on
// ticks: at most ten times a second.
func TestTerminalProgressRateLimit(t *testing.T) {
	p, w, tick, _ := newTestTerminal(t, 80)
	tt := &suite.Test{Name: "Busy"}
	p.Started(tt)
	for i := range 10000 {
		p.Step(tt, Step{Index: i, Action: "click", Outcome: "clicked"})
	}
	noWrite(t, w)
	tick <- base
	if got := nextWrite(t, w); !strings.Contains(got, "step 10000") {
		t.Errorf("frame = %q", got)
	}
	noWrite(t, w)
}

// Long lines are cut to the terminal's width: a wrapped line would throw
// off how many lines the next frame erases.
func TestTerminalProgressWidth(t *testing.T) {
	p, w, tick, _ := newTestTerminal(t, 30)
	tt := &suite.Test{Name: "A test with a rather long name"}
	p.Started(tt)
	p.Step(tt, Step{Action: "click", Outcome: strings.Repeat("x", 200)})
	tick <- base
	got := strings.TrimSuffix(nextWrite(t, w), "\n")
	if n := len([]rune(got)); n != 29 || !strings.HasSuffix(got, "…") {
		t.Errorf("line of %d runes: %q", n, got)
	}
}

// Many agents report at once. Run with -race.
func TestTerminalProgressConcurrent(t *testing.T) {
	p, w, tick, _ := newTestTerminal(t, 120)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case tick <- base:
			}
		}
	}()
	go func() { // drain
		for {
			select {
			case <-stop:
				return
			case <-w.writes:
			}
		}
	}()
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tt := &suite.Test{Name: "agent " + string(rune('A'+i))}
			p.Started(tt)
			for j := range 200 {
				p.Step(tt, Step{Index: j, Action: "click", Outcome: "clicked"})
			}
			p.Finished(TestRun{Test: tt, Result: &agent.Result{Verdict: agent.VerdictPassed, FailedStep: -1}})
		}()
	}
	wg.Wait()
	p.Close()
	close(stop)
	out := w.String()
	for i := range 5 {
		if !strings.Contains(out, "✓ agent "+string(rune('A'+i))+" — passed") {
			t.Errorf("finished line of agent %c missing", 'A'+i)
		}
	}
}

// The real ticker redraws by itself.
func TestTerminalProgressTicks(t *testing.T) {
	w := newSyncWriter()
	p := NewProgress(w, true)
	defer p.Close()
	p.Started(&suite.Test{Name: "Ticking"})
	for {
		if s := nextWrite(t, w); strings.Contains(s, "Ticking · step 0") {
			break
		}
	}
}

func TestIsTerminal(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is not a terminal")
	}
	if IsTerminal(nil) {
		t.Error("nil is not a terminal")
	}

	// A pseudo-terminal is one, unless TERM says it cannot move the
	// cursor.
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pseudo-terminal number: %v", err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR, 0)
	if err != nil {
		t.Skipf("open pseudo-terminal: %v", err)
	}
	defer pts.Close()
	if !IsTerminal(pts) {
		t.Error("a pseudo-terminal is a terminal")
	}
	t.Setenv("TERM", "dumb")
	if IsTerminal(pts) {
		t.Error("TERM=dumb cannot move the cursor")
	}
}
