package report_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
)

// How `argus run` reports: a Recorder per test feeds live progress, each
// finished test becomes a TestRun, and the TestRuns make the summary and
// the exit code (and the JUnit and HTML reports, with WriteJUnitFile and
// WriteHTML). Here the agent's steps are recorded by hand.
func Example() {
	tests, err := suite.Parse("shop.yaml", []byte(`tests:
  - name: Log in
    url: /login
    steps:
      - click "Sign in"
      - expect text "Welcome back"
  - name: Sign up
    goal: Sign up with a new account.
`))
	if err != nil {
		panic(err)
	}
	progress := report.NewProgress(os.Stdout, report.IsTerminal(os.Stdout))

	login := tests[0]
	rec, err := report.NewRecorder(report.RecorderConfig{
		Test:   login, // with Dir set, screenshots would go to Dir/screenshots/log-in/
		OnStep: func(s report.Step) { progress.Step(login, s) },
	})
	if err != nil {
		panic(err)
	}
	progress.Started(login)
	// agent.Agent.Run calls RecordStep for every step.
	ctx := context.Background()
	_ = rec.RecordStep(ctx, agent.Step{Index: 0, Action: "navigate", Outcome: "opened /login", ActMS: 180, ObserveMS: 12})
	_ = rec.RecordStep(ctx, agent.Step{Index: 1, Action: "click", Outcome: `clicked button "Sign in"`, ActMS: 35, ObserveMS: 9})
	_ = rec.RecordStep(ctx, agent.Step{Index: 2, Action: "expect text", Outcome: `the page shows "Welcome back"`, ActMS: 4})
	run := rec.Finish(&agent.Result{Verdict: agent.VerdictPassed, Summary: "all steps passed", FailedStep: -1, Steps: 3, Duration: 2300 * time.Millisecond}, nil)
	progress.Finished(run)

	// Without a model, goal-only tests are skipped with a notice.
	signup := report.Skipped(tests[1], report.SkipNoModel)
	progress.Finished(signup)
	progress.Close()

	runs := []report.TestRun{run, signup}
	if err := report.PrintSummary(os.Stdout, runs, report.RunInfo{Elapsed: 2500 * time.Millisecond}); err != nil {
		panic(err)
	}
	fmt.Println("exit code", report.ExitCode(runs))
	// Output:
	// ▶ Log in — started
	//   0 navigate: opened /login (192 ms)
	//   1 click: clicked button "Sign in" (44 ms)
	//   2 expect text: the page shows "Welcome back" (4 ms)
	// ✓ Log in — passed in 2.3s (3 steps, 0 model calls)
	// - Sign up (goal only) — skipped: needs a language model: set ARGUS_MODEL=provider:model (for example gemini:gemini-2.5-flash or openai:gpt-4.1)
	//
	// 2 tests in 2.5s: 1 passed, 1 skipped
	//
	// Skipped, 1 test — needs a language model: set ARGUS_MODEL=provider:model (for example gemini:gemini-2.5-flash or openai:gpt-4.1):
	//   - Sign up (shop.yaml:7:5)
	//
	// All tests behaved as expected.
	// exit code 0
}

// Two tests whose names differ only in punctuation still get their own
// screenshot directories.
func ExampleSlugs() {
	fmt.Println(report.Slugs([]*suite.Test{{Name: "Log in"}, {Name: "Log-in!"}, {Name: "Überweisung prüfen"}}))
	// Output:
	// [log-in log-in-2 uberweisung-prufen]
}
