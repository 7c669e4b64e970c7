package web

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// agentLive is an agent as the live pages' JavaScript reads it.
type agentLive struct {
	ID          uuid.UUID    `json:"id"`
	Status      store.Status `json:"status"`
	Label       string       `json:"label"`
	Iterations  int          `json:"iterations"`
	Tokens      int64        `json:"tokens"`
	StartedAt   *time.Time   `json:"started_at"`
	FinishedAt  *time.Time   `json:"finished_at"`
	Elapsed     string       `json:"elapsed"`
	Summary     string       `json:"summary"`
	ErrorReason string       `json:"error_reason"`
	Attempt     int          `json:"attempt"`
}

func liveAgent(a *store.Agent) agentLive {
	return agentLive{ID: a.ID, Status: a.Status, Label: statusLabel(a.Status), Iterations: a.Iterations, Tokens: a.Tokens(),
		StartedAt: a.StartedAt, FinishedAt: a.FinishedAt, Elapsed: agentElapsed(a), Summary: a.Summary,
		ErrorReason: a.ErrorReason, Attempt: a.Attempt}
}

type runLiveView struct {
	ID     uuid.UUID    `json:"id"`
	Status store.Status `json:"status"`
	Label  string       `json:"label"`
	Counts string       `json:"counts"`
}

// stepView is a step with the URL of its screenshot, for the timeline.
type stepView struct {
	store.Step
	ScreenshotURL string
}

func viewStep(st store.Step) stepView {
	sv := stepView{Step: st}
	if st.ScreenshotKey != "" {
		sv.ScreenshotURL = fmt.Sprintf("/agents/%s/screenshots/%d/%d", st.AgentID, st.Attempt, st.Index)
	}
	return sv
}

// statusCounts tallies agents by status, in the order people read them.
type statusCount struct {
	Status store.Status
	N      int
}

func countStatuses(agents []store.Agent) []statusCount {
	order := []store.Status{store.StatusPassed, store.StatusFailed, store.StatusError, store.StatusCancelled, store.StatusRunning, store.StatusQueued}
	n := map[store.Status]int{}
	for _, a := range agents {
		n[a.Status]++
	}
	var out []statusCount
	for _, s := range order {
		if n[s] > 0 {
			out = append(out, statusCount{s, n[s]})
		}
	}
	return out
}

func countsText(cs []statusCount) string {
	s := ""
	for i, c := range cs {
		if i > 0 {
			s += " · "
		}
		s += fmt.Sprintf("%d %s", c.N, statusLabel(c.Status))
	}
	return s
}
