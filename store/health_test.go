package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// TestProjectHealth runs one test five times with alternating verdicts,
// one more time cancelled, and leaves one queued: the health shows the
// five verdicts newest first, four changes, the last pass, the medians,
// the saved replay and the open agent; a test never run has none.
func TestProjectHealth(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "alpha")
	T := w.tenant.ID
	idle, err := s.CreateTest(ctx, T, w.project.ID, store.TestInput{Name: "Archive", Goal: "archive a thing"})
	if err != nil {
		t.Fatal(err)
	}
	finish := func(status store.Status, tokens int64) {
		t.Helper()
		_, agents, _, err := s.CreateRun(ctx, T, store.RunInput{ProjectID: w.project.ID, TestIDs: []uuid.UUID{w.test.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartAgent(ctx, T, agents[0].ID, 1, nil, "m"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishAgent(ctx, T, agents[0].ID, store.AgentResult{Status: status, Summary: string(status),
			AgentProgress: store.AgentProgress{InputTokens: tokens, OutputTokens: 0}}); err != nil {
			t.Fatal(err)
		}
	}
	// w.agent (makeWorld's) stays queued.
	statuses := []store.Status{store.StatusPassed, store.StatusFailed, store.StatusPassed, store.StatusFailed, store.StatusError}
	for i, st := range statuses {
		finish(st, int64(100*(i+1)))
	}
	finish(store.StatusCancelled, 999)

	hs, err := s.ProjectHealth(ctx, T, w.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].Test.ID != idle.ID || hs[1].Test.ID != w.test.ID {
		t.Fatalf("tests = %+v, want Archive then Checkout", hs)
	}
	if h := hs[0]; len(h.Recent) != 0 || h.Last() != nil || h.LastPass != nil || h.Active || h.HasReplay || h.MedianTokens() != nil || h.Flakiness() != 0 {
		t.Errorf("never-run test's health = %+v", h)
	}
	h := hs[1]
	if len(h.Recent) != len(statuses) {
		t.Fatalf("recent = %d verdicts, want %d (cancelled is no verdict)", len(h.Recent), len(statuses))
	}
	for i, v := range h.Recent {
		if want := statuses[len(statuses)-1-i]; v.Status != want {
			t.Errorf("recent[%d] = %s, want %s", i, v.Status, want)
		}
	}
	if h.Last().Status != store.StatusError {
		t.Errorf("last = %s", h.Last().Status)
	}
	if got := h.Flakiness(); got != 4 {
		t.Errorf("flakiness = %d, want 4", got)
	}
	if got := *h.MedianTokens(); got != 300 {
		t.Errorf("median tokens = %d, want 300", got)
	}
	if h.MedianDurationMS() == nil {
		t.Error("no median duration")
	}
	if h.LastPass == nil || !h.LastPass.Equal(h.Recent[2].FinishedAt) {
		t.Errorf("last pass = %v, want %v", h.LastPass, h.Recent[2].FinishedAt)
	}
	if !h.Active || !h.HasReplay {
		t.Errorf("active = %v, replay = %v, want both", h.Active, h.HasReplay)
	}
}

// TestHealthWindow keeps only the latest HealthWindow verdicts.
func TestHealthWindow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "alpha")
	T := w.tenant.ID
	ids := make([]uuid.UUID, store.HealthWindow+3)
	for i := range ids {
		ids[i] = w.test.ID
	}
	_, agents, _, err := s.CreateRun(ctx, T, store.RunInput{ProjectID: w.project.ID, TestIDs: ids}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agents {
		if _, err := s.FinishAgent(ctx, T, a.ID, store.AgentResult{Status: store.StatusPassed}); err != nil {
			t.Fatal(err)
		}
	}
	hs, err := s.ProjectHealth(ctx, T, w.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(hs[0].Recent); got != store.HealthWindow {
		t.Errorf("recent = %d, want %d", got, store.HealthWindow)
	}
}
