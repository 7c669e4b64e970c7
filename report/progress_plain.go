package report

import (
	"io"
	"sync"

	"github.com/argusqa/argus/suite"
)

// plainProgress writes one line per event, for CI logs and pipes: nothing
// is ever rewritten, so the log reads the same afterwards as it did live.
type plainProgress struct {
	mu     sync.Mutex
	w      io.Writer
	active int // tests started and not finished
}

func newPlainProgress(w io.Writer) *plainProgress { return &plainProgress{w: w} }

func (p *plainProgress) Started(t *suite.Test) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active++
	p.println(startedLine(t))
}

// Step prints an indented step line. While several agents run at once the
// line names its test, since lines of different tests interleave.
func (p *plainProgress) Step(t *suite.Test, s Step) {
	p.mu.Lock()
	defer p.mu.Unlock()
	prefix := "  "
	if p.active > 1 {
		prefix += oneLine(t.Name, 60) + " · "
	}
	p.println(prefix + stepLine(s))
}

func (p *plainProgress) Finished(r TestRun) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Status() != StatusSkipped && p.active > 0 {
		p.active--
	}
	p.println(finishedLine(&r))
}

func (p *plainProgress) Close() {}

func (p *plainProgress) println(s string) {
	_, _ = io.WriteString(p.w, s+"\n")
}
