package api

// Status is the status of a run or an agent: queued → running → passed |
// failed | error | cancelled. Failed means the application under test did
// not do what the test says; error means Argus could not find out.
type Status string

// Statuses.
const (
	StatusQueued    Status = "queued"
	StatusRunning   Status = "running"
	StatusPassed    Status = "passed"
	StatusFailed    Status = "failed"
	StatusError     Status = "error"
	StatusCancelled Status = "cancelled"
)

// Final reports whether s is an end state.
func (s Status) Final() bool {
	switch s {
	case StatusPassed, StatusFailed, StatusError, StatusCancelled:
		return true
	}
	return false
}
