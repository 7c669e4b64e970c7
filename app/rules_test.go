package app_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://Login.Example.com":  "https://login.example.com",
		"https://login.example.com/": "https://login.example.com",
		"http://127.0.0.1:3000":      "http://127.0.0.1:3000",
	} {
		if got, err := app.Origin(in); err != nil || got != want {
			t.Errorf("Origin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "login.example.com", "ftp://x", "https://x.example.com/path", "https://x.example.com?q=1", "https://u:p@x.example.com"} {
		if _, err := app.Origin(bad); err == nil {
			t.Errorf("Origin(%q) accepted", bad)
		}
	}
}

func TestRunFinished(t *testing.T) {
	a := func(s store.Status) store.Agent { return store.Agent{Status: s} }
	for _, c := range []struct {
		agents []store.Agent
		want   bool
	}{
		{nil, false},
		{[]store.Agent{a(store.StatusPassed)}, true},
		{[]store.Agent{a(store.StatusPassed), a(store.StatusRunning)}, false},
		{[]store.Agent{a(store.StatusFailed), a(store.StatusError), a(store.StatusCancelled)}, true},
		{[]store.Agent{a(store.StatusQueued)}, false},
	} {
		if got := app.RunFinished(c.agents); got != c.want {
			t.Errorf("RunFinished(%v) = %v", c.agents, got)
		}
	}
}

func TestAsError(t *testing.T) {
	se := &store.Error{Op: "create test", Kind: store.ErrConflict, Field: "name", Detail: "this project already has a test of this name"}
	e, ok := app.AsError(fmt.Errorf("sync: %w", se))
	if !ok || e.Code != app.CodeConflict || e.Field("name") != se.Detail || e.Detail != se.Detail {
		t.Fatalf("store conflict: %+v %v", e, ok)
	}
	if e, ok := app.AsError(fmt.Errorf("get: %w", store.ErrNotFound)); !ok || e.Code != app.CodeNotFound {
		t.Fatalf("not found: %+v", e)
	}
	if _, ok := app.AsError(errors.New("connection reset")); ok {
		t.Fatal("an internal failure became an answer")
	}
	if e, ok := app.AsError(store.ErrNoKeyring); !ok || e.Code != app.CodeUnavailable {
		t.Fatalf("no keyring: %+v", e)
	}
}
