package jobs

import "time"

// Observer hears what a worker does, for the process's metrics (the
// Prometheus collectors of server/metrics, adapted in cmd/argus). It is an
// interface rather than that package so that jobs does not depend on the
// server's side. Calls come from the agents' goroutines at once: an
// implementation must be safe for concurrent use and must not block.
type Observer interface {
	// AgentStarted is called when an attempt of an agent starts in this
	// process, AgentEnded when it ends, however it ends.
	AgentStarted()
	AgentEnded()
	// StepRecorded is called for each step recorded, with the time the
	// step took (observe, model and act) and the model tokens it used.
	StepRecorded(d time.Duration, inputTokens, outputTokens int64)
}

// nopObserver is the Observer of a Config without one.
type nopObserver struct{}

func (nopObserver) AgentStarted()                            {}
func (nopObserver) AgentEnded()                              {}
func (nopObserver) StepRecorded(time.Duration, int64, int64) {}
