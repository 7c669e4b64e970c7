package report

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/argusqa/argus/suite"
)

// Progress shows a run as it happens. Agents call it concurrently; every
// implementation is safe for that. Output errors are ignored: progress is a
// courtesy, and a closed terminal must not fail a test run.
type Progress interface {
	// Started says a test's agent began.
	Started(t *suite.Test)
	// Step passes on a step a test's agent recorded.
	Step(t *suite.Test, s Step)
	// Finished says a test ended, whatever its status (skipped tests are
	// reported here too, without Started).
	Finished(r TestRun)
	// Close ends the display, clearing any live lines, so a summary can be
	// printed below. Calling it again does nothing.
	Close()
}

// NewProgress returns the progress display for w: on a terminal, one live
// status line per running agent above which finished tests are printed;
// otherwise (CI logs, files, pipes) plain lines, one per event.
func NewProgress(w io.Writer, terminal bool) Progress {
	if terminal {
		return newTerminalProgress(w, terminalOptions{})
	}
	return newPlainProgress(w)
}

// IsTerminal reports whether f is a terminal that understands ANSI cursor
// movement: a character device, and not TERM=dumb.
func IsTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// The lines both displays share. Everything user- or page-supplied goes
// through oneLine, so no escape sequence from a page reaches the terminal.

func startedLine(t *suite.Test) string {
	return "▶ " + oneLine(t.Name, 0) + " — started"
}

func stepLine(s Step) string {
	line := fmt.Sprintf("%d %s: %s (%s ms)", s.Index, oneLine(s.Action, 40), oneLine(s.Outcome, 300), formatCount(s.TotalMS()))
	if s.Failed {
		line += " ✗"
	}
	return line
}

// finishedLine is the one line that says how a test ended.
func finishedLine(r *TestRun) string {
	name := oneLine(r.Name(), 0)
	msg := oneLine(r.Message(), 0)
	switch st := r.Status(); st {
	case StatusPassed:
		return fmt.Sprintf("✓ %s — passed in %s (%s, %s)", name, formatDuration(r.Duration()),
			plural(len(r.Steps), "step", "steps"), plural(r.Result.ModelCalls, "model call", "model calls"))
	case StatusExpectedFailure:
		return fmt.Sprintf("✓ %s — failed as expected: %s", name, msg)
	case StatusFailed:
		return fmt.Sprintf("✗ %s — failed: %s", name, msg)
	case StatusUnexpectedPass:
		return fmt.Sprintf("✗ %s — passed, but was expected to fail: %s", name, oneLine(r.Test.ExpectedFailure, 0))
	case StatusSkipped:
		if r.Test != nil && r.Test.Goal != "" && r.Test.NeedsModel() {
			name += " (goal only)"
		}
		return fmt.Sprintf("- %s — skipped: %s", name, msg)
	default:
		return fmt.Sprintf("! %s — error: %s", name, msg)
	}
}
