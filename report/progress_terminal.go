package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/argusqa/argus/suite"
)

// redrawInterval is how often the live lines are redrawn: ten times a
// second keeps elapsed times and last actions current without flicker or
// a flood of escape sequences over a slow SSH link.
const redrawInterval = 100 * time.Millisecond

// defaultWidth is the line width assumed when the terminal's is unknown.
const defaultWidth = 80

// spinner frames, advanced once per redraw.
const spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

// terminalOptions are seams for tests; zero values mean the real thing.
type terminalOptions struct {
	// tick drives redraws; nil means a ticker at redrawInterval.
	tick <-chan time.Time
	// now is the clock for elapsed times; nil means time.Now.
	now func() time.Time
	// width returns the terminal's width in columns; nil means asking the
	// terminal behind w, else defaultWidth.
	width func() int
}

// terminalProgress keeps one live status line per running agent at the
// bottom of the terminal and prints finished tests above them. Events only
// update state; the live lines are redrawn on ticks, at most ten times a
// second however fast agents work. Finished lines are printed at once.
type terminalProgress struct {
	w     io.Writer
	now   func() time.Time
	width func() int

	mu     sync.Mutex
	active []*liveTest // in start order, so lines do not jump around
	drawn  int         // live lines on screen, directly above the cursor
	dirty  bool
	frame  int
	closed bool

	stop   chan struct{}
	done   chan struct{}
	ticker *time.Ticker
}

type liveTest struct {
	test    *suite.Test
	started time.Time
	steps   int
	last    string // the last step, as a short line
	failed  bool   // the last step failed
}

func newTerminalProgress(w io.Writer, o terminalOptions) *terminalProgress {
	p := &terminalProgress{w: w, now: o.now, width: o.width, stop: make(chan struct{}), done: make(chan struct{})}
	if p.now == nil {
		p.now = time.Now
	}
	if p.width == nil {
		p.width = terminalWidth(w)
	}
	tick := o.tick
	if tick == nil {
		p.ticker = time.NewTicker(redrawInterval)
		tick = p.ticker.C
	}
	go p.loop(tick)
	return p
}

// terminalWidth asks the terminal behind w for its width on every call, so
// a resized window is honoured at the next redraw.
func terminalWidth(w io.Writer) func() int {
	f, ok := w.(interface{ Fd() uintptr })
	return func() int {
		if ok {
			if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
				return cols
			}
		}
		return defaultWidth
	}
}

func (p *terminalProgress) loop(tick <-chan time.Time) {
	defer close(p.done)
	for {
		select {
		case <-p.stop:
			return
		case <-tick:
			p.mu.Lock()
			if !p.closed && (p.dirty || len(p.active) > 0) {
				p.redraw()
			}
			p.mu.Unlock()
		}
	}
}

func (p *terminalProgress) Started(t *suite.Test) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active = append(p.active, &liveTest{test: t, started: p.now(), last: "starting the browser"})
	p.dirty = true
}

func (p *terminalProgress) Step(t *suite.Test, s Step) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if lt := p.find(t); lt != nil {
		lt.steps++
		lt.last = fmt.Sprintf("%s: %s", oneLine(s.Action, 40), oneLine(s.Outcome, 0))
		lt.failed = s.Failed
		p.dirty = true
	}
}

// Finished prints the test's line above the live lines at once; the live
// lines come back at the next tick.
func (p *terminalProgress) Finished(r TestRun) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active = slices.DeleteFunc(p.active, func(lt *liveTest) bool { return lt.test == r.Test })
	if p.closed {
		_, _ = io.WriteString(p.w, finishedLine(&r)+"\n")
		return
	}
	var b strings.Builder
	p.erase(&b)
	b.WriteString(finishedLine(&r))
	b.WriteByte('\n')
	_, _ = io.WriteString(p.w, b.String())
	p.dirty = true
}

// Close stops redrawing and clears the live lines.
func (p *terminalProgress) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	var b strings.Builder
	p.erase(&b)
	if b.Len() > 0 {
		_, _ = io.WriteString(p.w, b.String())
	}
	p.mu.Unlock()
	close(p.stop)
	<-p.done
	if p.ticker != nil {
		p.ticker.Stop()
	}
}

func (p *terminalProgress) find(t *suite.Test) *liveTest {
	for _, lt := range p.active {
		if lt.test == t {
			return lt
		}
	}
	return nil
}

// erase appends the escape sequences that remove the live lines: up to the
// first of them, then clear to the end of the screen.
func (p *terminalProgress) erase(b *strings.Builder) {
	if p.drawn > 0 {
		fmt.Fprintf(b, "\r\x1b[%dA\x1b[J", p.drawn)
		p.drawn = 0
	}
}

// redraw replaces the live lines in one write, so the terminal never shows
// half a frame. Lines are cut to the terminal's width: a wrapped line would
// throw off the count of lines to erase next time. Called with p.mu held.
func (p *terminalProgress) redraw() {
	var b strings.Builder
	p.erase(&b)
	width := p.width()
	frames := []rune(spinner)
	glyph := string(frames[p.frame%len(frames)])
	p.frame++
	now := p.now()
	for _, lt := range p.active {
		mark := glyph
		if lt.failed {
			mark = "✗"
		}
		line := fmt.Sprintf("%s %s · step %d · %s · %s", mark, oneLine(lt.test.Name, 60), lt.steps, lt.last, formatDuration(now.Sub(lt.started).Truncate(100*time.Millisecond)))
		b.WriteString(truncate(line, width-1))
		b.WriteByte('\n')
	}
	p.drawn = len(p.active)
	p.dirty = false
	_, _ = io.WriteString(p.w, b.String())
}
