package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

func TestPrintSummary(t *testing.T) {
	var b bytes.Buffer
	if err := PrintSummary(&b, fixtureRuns(t), fixtureInfo()); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.txt", b.Bytes())
	out := b.String()
	for _, want := range []string{
		"9 tests in 2m03s: 2 failed, 1 passed unexpectedly, 2 errors, 1 failed as expected, 2 passed, 1 skipped · 43,245 tokens · 6 model calls\n",
		// Expected failures are explained: why expected, what was caught, the evidence.
		"  ✓ Save settings (shop.yaml:18:5)\n    known problem: The settings page is broken on purpose.\n    caught: step 2 (expect text \"Settings saved.\") failed",
		"    screenshot: out/report/screenshots/save-settings/002.png\n",
		"JUnit XML:   out/junit.xml\nHTML report: out/report/index.html\n",
		"2 tests ended in error: Argus could not check everything (exit code 2).\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// Failed and error are separate sections.
	failed, errs := strings.Index(out, "\nFailed — "), strings.Index(out, "\nErrors — ")
	if failed < 0 || errs < 0 || strings.Contains(out[failed:errs], "Search") || !strings.Contains(out[errs:], "! Search") {
		t.Errorf("failures and errors must be listed apart:\n%s", out)
	}
}

// The demo's case: everything passed except the deliberately broken page,
// which failed as expected, and the goal-only tests, skipped without a
// model. That is a success, and the summary says so.
func TestPrintSummaryDemo(t *testing.T) {
	all := fixtureRuns(t)
	var runs []TestRun
	for _, r := range all {
		switch r.Status() {
		case StatusPassed, StatusExpectedFailure, StatusSkipped:
			runs = append(runs, r)
		}
	}
	var b bytes.Buffer
	if err := PrintSummary(&b, runs, RunInfo{Elapsed: 9 * time.Second, ReportDir: "out/report"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasSuffix(out, "\nAll tests behaved as expected.\n") || ExitCode(runs) != ExitOK {
		t.Errorf("summary:\n%s", out)
	}
	if strings.Contains(out, "JUnit XML") || !strings.Contains(out, "HTML report: out/report/index.html") {
		t.Errorf("only the outputs that were written are named:\n%s", out)
	}
	if !strings.Contains(out, "\n4 tests in 9.0s: 1 failed as expected, 2 passed, 1 skipped · 30,900 tokens · 3 model calls\n") {
		t.Errorf("totals line:\n%s", out)
	}
}

func TestVerdictLines(t *testing.T) {
	tt := &suite.Test{Name: "t"}
	passed := TestRun{Test: tt, Result: &agent.Result{Verdict: agent.VerdictPassed, FailedStep: -1}}
	failed := TestRun{Test: tt, Result: &agent.Result{Verdict: agent.VerdictFailed, FailedStep: -1}}
	cases := []struct {
		runs []TestRun
		want string
	}{
		{nil, "No tests ran."},
		{[]TestRun{Skipped(tt, "x")}, "Every test was skipped; nothing was checked."},
		{[]TestRun{passed}, "All tests behaved as expected."},
		{[]TestRun{passed, failed}, "1 test did not behave as expected (exit code 1)."},
		{[]TestRun{failed, failed}, "2 tests did not behave as expected (exit code 1)."},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := PrintSummary(&b, c.runs, RunInfo{}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(b.String(), "\n"+c.want+"\n") {
			t.Errorf("summary of %d runs ends %q, want %q", len(c.runs), b.String(), c.want)
		}
	}
	if err := PrintSummary(&bytes.Buffer{}, []TestRun{{}}, RunInfo{}); err == nil {
		t.Error("a TestRun without a test must be refused")
	}
	if err := PrintSummary(failingWriter{}, []TestRun{passed}, RunInfo{}); err == nil {
		t.Error("a failing writer must fail PrintSummary")
	}
}

func TestFormatting(t *testing.T) {
	durations := map[time.Duration]string{
		0: "0s", -time.Second: "0s", 850 * time.Millisecond: "850ms", 4210 * time.Millisecond: "4.2s",
		64 * time.Second: "1m04s", 2*time.Hour + 3*time.Minute + 4*time.Second: "2h03m04s",
	}
	for d, want := range durations {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	counts := map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4321: "-4,321"}
	for n, want := range counts {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", n, got, want)
		}
	}
	if got := truncate("héllo wörld", 6); got != "héllo…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("short", 5); got != "short" {
		t.Errorf("truncate = %q", got)
	}
	lines := map[string]string{
		"a\x1b[1;31mb\x1b[0m":      "ab",
		"a\x1b]8;;http://x\x1b\\b": "ab",
		"a\x1b]0;title\x07b":       "ab",
		"a\x1bcb":                  "ab",
		"a\x1b":                    "a",
		"a\x1b[12":                 "a",
		"a\x1b[1\nb":               "a b",
		"  many   spaces\t\n":      "many spaces",
	}
	for in, want := range lines {
		if got := oneLine(in, 0); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
