package github_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

type sourceFunc func(ctx context.Context, tenant, agent uuid.UUID) (github.Outcome, bool, error)

func (f sourceFunc) Outcome(ctx context.Context, tenant, agent uuid.UUID) (github.Outcome, bool, error) {
	return f(ctx, tenant, agent)
}

func job() *river.Job[github.ReportArgs] {
	return &river.Job[github.ReportArgs]{JobRow: &rivertype.JobRow{ID: 1, Attempt: 1}, Args: github.ReportArgs{TenantID: uuid.New(), AgentID: uuid.New()}}
}

// TestWorkerClassifiesFailures checks what the worker tells River: snooze
// until a rate limit resets (no attempt used), cancel what cannot succeed,
// retry the rest.
func TestWorkerClassifiesFailures(t *testing.T) {
	ctx := t.Context()
	fixed := func(o github.Outcome, ok bool, err error) github.Source {
		return sourceFunc(func(context.Context, uuid.UUID, uuid.UUID) (github.Outcome, bool, error) { return o, ok, err })
	}
	failed := outcome("test-1", "agent-1", github.StatusFailed)
	quiet := slog.New(slog.DiscardHandler)

	t.Run("rate limit snoozes until the reset", func(t *testing.T) {
		f := setup(t)
		reset := time.Now().Add(20 * time.Minute)
		f.srv.FailNext(http.StatusForbidden, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}})
		err := github.NewWorker(f.rep, fixed(failed, true, nil), slog.New(slog.DiscardHandler)).Work(ctx, job())
		var snooze *river.JobSnoozeError
		if !errors.As(err, &snooze) || snooze.Duration < 19*time.Minute || snooze.Duration > 21*time.Minute {
			t.Fatalf("%v", err)
		}
	})
	t.Run("server error retries", func(t *testing.T) {
		f := setup(t)
		f.srv.FailNext(http.StatusBadGateway, nil)
		err := github.NewWorker(f.rep, fixed(failed, true, nil), quiet).Work(ctx, job())
		var cancel *river.JobCancelError
		var snooze *river.JobSnoozeError
		if err == nil || errors.As(err, &cancel) || errors.As(err, &snooze) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("invalid settings cancel", func(t *testing.T) {
		f := setup(t)
		src := sourceFunc(func(context.Context, uuid.UUID, uuid.UUID) (github.Outcome, bool, error) {
			_, err := github.TargetFromConfig(map[string]any{"installation_id": "x", "repository": "acme/shop"})
			return github.Outcome{}, false, err
		})
		err := github.NewWorker(f.rep, src, quiet).Work(ctx, job())
		var cancel *river.JobCancelError
		if !errors.As(err, &cancel) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("removed repository cancels", func(t *testing.T) {
		f := setup(t)
		o := failed
		o.Repository = "acme/gone"
		err := github.NewWorker(f.rep, fixed(o, true, nil), quiet).Work(ctx, job())
		var cancel *river.JobCancelError
		if !errors.As(err, &cancel) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("nothing to report", func(t *testing.T) {
		f := setup(t)
		for name, src := range map[string]github.Source{
			"no integration": fixed(failed, false, nil),
			"agent deleted":  fixed(github.Outcome{}, false, fmt.Errorf("get agent: %w", store.ErrNotFound)),
		} {
			if err := github.NewWorker(f.rep, src, quiet).Work(ctx, job()); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		if n := len(f.srv.Requests()); n != 0 {
			t.Fatalf("%d requests", n)
		}
	})
}

func TestTargetConfigRoundTrip(t *testing.T) {
	in := github.Target{InstallationID: 9007199254740, Repository: "acme/shop.web", ReportErrors: true}
	got, err := github.TargetFromConfig(in.Config())
	if err != nil || got != in {
		t.Fatalf("%+v %v", got, err)
	}
	// As read back from jsonb: numbers are float64.
	got, err = github.TargetFromConfig(map[string]any{"installation_id": float64(77), "repository": "acme/shop", "close_on_pass": true})
	if err != nil || got.InstallationID != 77 || !got.CloseOnPass {
		t.Fatalf("%+v %v", got, err)
	}
	for name, cfg := range map[string]map[string]any{
		"empty":        {},
		"fraction":     {"installation_id": 1.5, "repository": "a/b"},
		"no repo":      {"installation_id": 1},
		"bool as text": {"installation_id": 1, "repository": "a/b", "close_on_pass": "yes"},
	} {
		if _, err := github.TargetFromConfig(cfg); !errors.Is(err, github.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
