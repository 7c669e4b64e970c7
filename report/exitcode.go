package report

// Exit codes of `argus run`.
const (
	// ExitOK: every test passed, failed as expected or was skipped.
	ExitOK = 0
	// ExitFailed: at least one test failed, or an expected failure passed.
	ExitFailed = 1
	// ExitError: at least one test ended in error or could not start, so
	// the run cannot vouch for the application either way. The CLI also
	// uses it for bad input.
	ExitError = 2
)

// ExitCode is the exit code for a finished run. An error outranks a
// failure: a run in which Argus could not check everything is not a
// trustworthy red or green. A run of no tests at all exits 0; the CLI
// decides whether selecting nothing is bad input.
func ExitCode(runs []TestRun) int {
	code := ExitOK
	for i := range runs {
		switch runs[i].Status() {
		case StatusError:
			return ExitError
		case StatusFailed, StatusUnexpectedPass:
			code = ExitFailed
		}
	}
	return code
}
