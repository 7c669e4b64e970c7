package report

import (
	"fmt"
	"path/filepath"
	"strings"
)

// writeStepList writes the plain-text record of a test run — what happened,
// each numbered step with its outcome, timings and screenshot, and the
// checkpoints — as CI logs and JUnit system-out show it. Screenshot paths
// are prefixed with reportDir so they resolve from where the run started.
func writeStepList(b *strings.Builder, r *TestRun, reportDir string) {
	st := r.Status()
	switch st {
	case StatusExpectedFailure:
		fmt.Fprintf(b, "Failed as expected. Known problem: %s\n", oneLine(r.Test.ExpectedFailure, 0))
		fmt.Fprintf(b, "What happened: %s\n", oneLine(r.Message(), 0))
	case StatusUnexpectedPass:
		fmt.Fprintf(b, "Passed, but was expected to fail: %s\n", oneLine(r.Test.ExpectedFailure, 0))
		fmt.Fprintf(b, "What happened: %s\n", oneLine(r.Message(), 0))
	default:
		fmt.Fprintf(b, "%s: %s\n", capitalize(st.Label()), oneLine(r.Message(), 0))
	}
	if res := r.Result; res != nil {
		mode := ""
		if res.Mode != "" {
			mode = " (" + res.Mode + ")"
		}
		fmt.Fprintf(b, "Ran for %s%s: %s, %s, %s tokens.\n", formatDuration(res.Duration), mode,
			plural(res.Steps, "step", "steps"), plural(res.ModelCalls, "model call", "model calls"), formatCount(res.Usage.Total()))
	}
	if len(r.Steps) > 0 {
		b.WriteString("\nSteps:\n")
	}
	failing := r.FailingStep()
	for i := range r.Steps {
		s := &r.Steps[i]
		mark := ""
		if s.Failed {
			mark = "✗ "
		}
		if s == failing {
			mark = "✗ FAILING STEP: "
		}
		fmt.Fprintf(b, "%3d. %s%s\n", s.Index, mark, oneLine(s.Description(), 0))
		if s.Thought != "" {
			fmt.Fprintf(b, "     thought: %s\n", oneLine(s.Thought, 0))
		}
		if s.Outcome != "" {
			fmt.Fprintf(b, "     %s\n", oneLine(s.Outcome, 0))
		}
		fmt.Fprintf(b, "     %s\n", stepTimings(s))
		if s.Screenshot != "" {
			fmt.Fprintf(b, "     screenshot: %s\n", screenshotPath(reportDir, s.Screenshot))
		}
	}
	if res := r.Result; res != nil && len(res.Checkpoints) > 0 {
		b.WriteString("\nCheckpoints:\n")
		for _, c := range res.Checkpoints {
			if c.Verified {
				fmt.Fprintf(b, "  ✓ %s — step %d: %s\n", oneLine(c.Checkpoint, 0), c.Step, oneLine(c.Evidence, 0))
			} else {
				fmt.Fprintf(b, "  ✗ %s — not verified\n", oneLine(c.Checkpoint, 0))
			}
		}
	}
}

// stepTimings is "observe 12 ms · model 0 ms · act 340 ms", with the
// tokens when the model was asked.
func stepTimings(s *Step) string {
	t := fmt.Sprintf("observe %s ms · model %s ms · act %s ms", formatCount(s.ObserveMS), formatCount(s.ModelMS), formatCount(s.ActMS))
	if s.Tokens() > 0 {
		t += fmt.Sprintf(" · tokens %s in, %s out", formatCount(s.InputTokens), formatCount(s.OutputTokens))
	}
	return t
}

// screenshotPath is where a screenshot is, seen from the directory the run
// started in.
func screenshotPath(reportDir, rel string) string {
	if reportDir == "" {
		return rel
	}
	return filepath.Join(reportDir, filepath.FromSlash(rel))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
