// Package report tells people what `argus run` did: live progress while
// agents work, and afterwards a JUnit XML file for CI, a self-contained HTML
// report with the step timeline and screenshots, a closing summary and the
// process exit code.
//
// The pieces fit together like this. For every test the runner makes a
// [Recorder] and hands it to the agent as its agent.Recorder; the Recorder
// writes each step's screenshot into the report directory the moment it
// arrives (so a crash keeps what was recorded) and passes the step on to a
// [Progress]. When the agent returns, [Recorder.Finish] turns its result
// into a [TestRun]. Tests that never ran become TestRuns through [Skipped]
// or [Recorder.Finish] with a start error. The collected TestRuns feed
// [WriteJUnit], [WriteHTML], [PrintSummary] and [ExitCode].
//
// A report directory holds the HTML report and the screenshots it links
// to, so it can be archived or served as it is:
//
//	<report dir>/index.html
//	<report dir>/screenshots/<test slug>/<step index, 3 digits>.png
//
// Verdicts stay sharp here as everywhere: a test that failed (the
// application did not do what the test says) and a test that ended in
// error (Argus could not find out) are reported, counted, coloured and
// exited on differently. A test marked expected_failure that fails is
// reported as an expected failure and does not fail the run; if it passes,
// that is a surprise and fails the run.
//
// Only what agent.Step and agent.Result hold is ever written — already
// redacted text, never page content.
package report
