package video

import "fmt"

// Mode says when an agent's browser is recorded and kept.
type Mode string

const (
	// Off records nothing. The default.
	Off Mode = "off"
	// On records every agent and keeps every recording.
	On Mode = "on"
	// OnFailure records every agent and keeps the recordings of agents
	// that failed or errored only.
	OnFailure Mode = "on-failure"
)

// Modes lists the valid modes, for messages and forms.
var Modes = []Mode{Off, On, OnFailure}

// ParseMode reads a mode; "" is Off.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Off:
		return Off, nil
	case On, OnFailure:
		return Mode(s), nil
	}
	return "", fmt.Errorf("video %q: want on, on-failure or off", s)
}

// Records reports whether an agent under m is recorded at all.
func (m Mode) Records() bool { return m == On || m == OnFailure }

// Keep reports whether the recording of an agent that ended as status
// ("passed", "failed", "error", "cancelled") is kept under m.
func (m Mode) Keep(status string) bool {
	switch m {
	case On:
		return true
	case OnFailure:
		return status == "failed" || status == "error"
	}
	return false
}

// Resolve is the mode of a test: its own when it sets one, else its
// project's.
func Resolve(test, project Mode) Mode {
	if test != "" {
		return test
	}
	if project != "" {
		return project
	}
	return Off
}
