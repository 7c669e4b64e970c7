package mcp

import (
	"fmt"
	"sort"
	"strings"
)

// runText is a run in a few lines: one per agent.
func runText(r *Run) string {
	var b strings.Builder
	state := "in progress"
	if r.Finished {
		state = "finished"
	}
	fmt.Fprintf(&b, "run %s: %s (%s)\n", r.ID, r.Status, state)
	for _, a := range r.Agents {
		fmt.Fprintf(&b, "- %s: %s (agent %s)", a.Test, a.Status, a.ID)
		if a.Summary != "" {
			fmt.Fprintf(&b, " — %s", a.Summary)
		}
		b.WriteByte('\n')
	}
	if r.Link != "" {
		fmt.Fprintf(&b, "details: %s\n", r.Link)
	}
	return b.String()
}

// agentText is an agent with one line per step.
func agentText(a *Agent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", a.Test, a.Status)
	if a.Reason != "" {
		fmt.Fprintf(&b, " (%s)", a.Reason)
	}
	if a.Summary != "" {
		fmt.Fprintf(&b, " — %s", a.Summary)
	}
	b.WriteByte('\n')
	for _, s := range a.Steps {
		b.WriteString(stepLine(a, &s))
	}
	return b.String()
}

func stepLine(a *Agent, s *Step) string {
	mark := "ok"
	if s.Failed || (a.FailedStep != nil && *a.FailedStep == s.Index) {
		mark = "FAILED"
	}
	return fmt.Sprintf("%3d %-6s %s%s → %s\n", s.Index, mark, s.Action, argsText(s.Args), s.Outcome)
}

func argsText(args map[string]any) string {
	if len(args) == 0 {
		return ""
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, args[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// explain is what a coding agent needs to act on a failure: the verdict,
// the failing step and what led to it, and the evidence the agent saw.
func explain(a *Agent) string {
	var b strings.Builder
	switch a.Status {
	case "passed":
		fmt.Fprintf(&b, "%s passed; there is no failure to explain.\n", a.Test)
		return b.String()
	case "queued", "running":
		fmt.Fprintf(&b, "%s is still %s; ask again when it has finished.\n", a.Test, a.Status)
		return b.String()
	case "error":
		fmt.Fprintf(&b, "%s ended in ERROR: Argus could not find out whether the application works", a.Test)
	case "failed":
		fmt.Fprintf(&b, "%s FAILED: the application did not do what the test says", a.Test)
	default:
		fmt.Fprintf(&b, "%s ended %s", a.Test, a.Status)
	}
	if a.Reason != "" {
		fmt.Fprintf(&b, " (reason: %s)", a.Reason)
	}
	b.WriteString(".\n")
	if a.Summary != "" {
		fmt.Fprintf(&b, "\nSummary: %s\n", a.Summary)
	}
	var failed *Step
	for i := range a.Steps {
		s := &a.Steps[i]
		if (a.FailedStep != nil && *a.FailedStep == s.Index) || (failed == nil && s.Failed) {
			failed = s
		}
	}
	if failed != nil {
		fmt.Fprintf(&b, "\nFailing step %d: %s%s\n  outcome: %s\n", failed.Index, failed.Action, argsText(failed.Args), failed.Outcome)
		if failed.URL != "" {
			fmt.Fprintf(&b, "  page: %s\n", failed.URL)
		}
		if failed.Thought != "" {
			fmt.Fprintf(&b, "  the agent's reasoning: %s\n", failed.Thought)
		}
	}
	// Console errors and failed requests reach the record in the steps'
	// outcomes (the raw buffers are never stored).
	var evidence []string
	for _, s := range a.Steps {
		for _, part := range strings.Split(s.Outcome, "; ") {
			l := strings.ToLower(part)
			if strings.Contains(l, "console") || strings.Contains(l, "failed request") || strings.Contains(part, " → ") {
				evidence = append(evidence, fmt.Sprintf("step %d: %s", s.Index, part))
			}
		}
	}
	if len(evidence) > 0 {
		b.WriteString("\nConsole errors and failed requests seen:\n")
		for _, e := range evidence {
			fmt.Fprintf(&b, "- %s\n", e)
		}
	}
	if len(a.Steps) > 0 {
		b.WriteString("\nSteps leading there:\n")
		start := 0
		if len(a.Steps) > 15 {
			start = len(a.Steps) - 15
			fmt.Fprintf(&b, "(the first %d steps are left out)\n", start)
		}
		for i := start; i < len(a.Steps); i++ {
			b.WriteString(stepLine(a, &a.Steps[i]))
		}
	}
	b.WriteString("\nNext: if the application is wrong, fix it and run the test again; if the test is out of date, change it with save_test.\n")
	return b.String()
}
