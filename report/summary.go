package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// PrintSummary writes the closing summary of a run to w: the totals, then
// every test that needs a word — failures, errors, surprises, expected
// failures with why they were expected and what was caught, skips — then
// where the JUnit file and HTML report are, and a last line that agrees
// with the exit code.
func PrintSummary(w io.Writer, runs []TestRun, info RunInfo) error {
	if err := checkRuns(runs); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	info = info.WithDefaults(runs)
	tot := Count(runs)
	var b strings.Builder

	fmt.Fprintf(&b, "\n%s in %s: %s", plural(tot.Tests, "test", "tests"), formatDuration(info.Elapsed), countsLine(tot))
	if tot.ModelCalls > 0 || tot.Usage.Total() > 0 {
		fmt.Fprintf(&b, " · %s tokens · %s", formatCount(tot.Usage.Total()), plural(tot.ModelCalls, "model call", "model calls"))
	}
	b.WriteString("\n")

	section := func(st Status, title string, body func(r *TestRun)) {
		first := true
		for i := range runs {
			r := &runs[i]
			if r.Status() != st {
				continue
			}
			if first {
				fmt.Fprintf(&b, "\n%s\n", title)
				first = false
			}
			body(r)
		}
	}
	where := func(r *TestRun) string {
		if r.Test.Pos.File == "" {
			return ""
		}
		return " (" + r.Test.Pos.String() + ")"
	}
	shot := func(r *TestRun) {
		if s := r.LastScreenshot(); s != "" && info.ReportDir != "" {
			fmt.Fprintf(&b, "    screenshot: %s\n", screenshotPath(info.ReportDir, s))
		}
	}
	section(StatusFailed, "Failed — the application did not do what the test says:", func(r *TestRun) {
		fmt.Fprintf(&b, "  ✗ %s%s\n    %s\n", oneLine(r.Name(), 0), where(r), oneLine(r.Message(), 0))
		shot(r)
	})
	section(StatusUnexpectedPass, "Passed, but expected to fail — if the problem is fixed, remove expected_failure from the test:", func(r *TestRun) {
		fmt.Fprintf(&b, "  ✗ %s%s\n    expected to fail because: %s\n", oneLine(r.Name(), 0), where(r), oneLine(r.Test.ExpectedFailure, 0))
	})
	section(StatusError, "Errors — Argus could not find out whether these work:", func(r *TestRun) {
		fmt.Fprintf(&b, "  ! %s%s\n    %s\n", oneLine(r.Name(), 0), where(r), oneLine(r.Message(), 0))
		shot(r)
	})
	section(StatusExpectedFailure, "Failed as expected — known problems, caught again; they do not fail the run:", func(r *TestRun) {
		fmt.Fprintf(&b, "  ✓ %s%s\n    known problem: %s\n    caught: %s\n", oneLine(r.Name(), 0), where(r),
			oneLine(r.Test.ExpectedFailure, 0), oneLine(r.Message(), 0))
		shot(r)
	})
	// Skips are grouped by reason: without a model every goal-only test is
	// skipped for the same reason, which is worth saying once.
	var reasons []string
	skipped := map[string][]*TestRun{}
	for i := range runs {
		if r := &runs[i]; r.Status() == StatusSkipped {
			m := oneLine(r.Message(), 0)
			if skipped[m] == nil {
				reasons = append(reasons, m)
			}
			skipped[m] = append(skipped[m], r)
		}
	}
	for _, m := range reasons {
		fmt.Fprintf(&b, "\nSkipped, %s — %s:\n", plural(len(skipped[m]), "test", "tests"), m)
		for _, r := range skipped[m] {
			fmt.Fprintf(&b, "  - %s%s\n", oneLine(r.Name(), 0), where(r))
		}
	}

	if info.JUnitPath != "" || info.ReportDir != "" {
		b.WriteString("\n")
	}
	if info.JUnitPath != "" {
		fmt.Fprintf(&b, "JUnit XML:   %s\n", info.JUnitPath)
	}
	if info.ReportDir != "" {
		fmt.Fprintf(&b, "HTML report: %s\n", filepath.Join(info.ReportDir, HTMLFile))
	}

	b.WriteString("\n")
	b.WriteString(verdictLine(runs, tot))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	return nil
}

// countsLine is "8 passed, 1 failed, 1 failed as expected, 2 skipped",
// listing only the statuses that occur, the ones needing attention first.
func countsLine(tot Totals) string {
	var parts []string
	for _, st := range allStatuses() {
		if n := tot.ByStatus[st]; n > 0 {
			label := st.Label()
			if st == StatusError {
				label = "errors"
				if n == 1 {
					label = "error"
				}
			}
			parts = append(parts, fmt.Sprintf("%s %s", formatCount(n), label))
		}
	}
	if len(parts) == 0 {
		return "nothing ran"
	}
	return strings.Join(parts, ", ")
}

// verdictLine is the last word, in line with ExitCode.
func verdictLine(runs []TestRun, tot Totals) string {
	switch ExitCode(runs) {
	case ExitError:
		return fmt.Sprintf("%s ended in error: Argus could not check everything (exit code %d).",
			plural(tot.ByStatus[StatusError], "test", "tests"), ExitError)
	case ExitFailed:
		n := tot.ByStatus[StatusFailed] + tot.ByStatus[StatusUnexpectedPass]
		return fmt.Sprintf("%s did not behave as expected (exit code %d).", plural(n, "test", "tests"), ExitFailed)
	}
	if tot.Tests == 0 {
		return "No tests ran."
	}
	if tot.ByStatus[StatusPassed]+tot.ByStatus[StatusExpectedFailure] == 0 {
		return "Every test was skipped; nothing was checked."
	}
	return "All tests behaved as expected."
}
