package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	gh "github.com/google/go-github/v88/github"
	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/store"
)

// QueueIntegrations is the River queue of outbound deliveries (webhooks,
// GitHub). Keeping them off the agents queue means a slow GitHub never
// takes a browser slot.
const QueueIntegrations = "integrations"

// MaxAttempts is how often a report is tried. With River's default backoff
// (attempt⁴ seconds) ten attempts span about three hours, long enough for a
// GitHub incident.
const MaxAttempts = 10

// ReportArgs is the job that reports one finished agent to GitHub. It
// carries ids only, like the agent job: the worker reads the agent and its
// project's GitHub settings through the tenant-scoped store, so the job row
// holds no tenant data and a settings change before the job runs is
// honoured.
type ReportArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	AgentID  uuid.UUID `json:"agent_id"`
}

// Kind implements river.JobArgs.
func (ReportArgs) Kind() string { return "github_report" }

// InsertOpts puts reports on the integrations queue.
func (ReportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueIntegrations, MaxAttempts: MaxAttempts}
}

// Source tells what to report for an agent.
type Source interface {
	// Outcome returns the outcome of a finished agent; ok is false when
	// its project has no GitHub integration. An agent that no longer
	// exists is store.ErrNotFound.
	Outcome(ctx context.Context, tenant, agent uuid.UUID) (o Outcome, ok bool, err error)
}

// Worker works ReportArgs jobs. Register it with river.AddWorker.
type Worker struct {
	river.WorkerDefaults[ReportArgs]
	reporter *Reporter
	source   Source
	log      *slog.Logger
}

// NewWorker returns a worker that reports what source says through
// reporter. A nil logger means slog.Default().
func NewWorker(reporter *Reporter, source Source, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.Default()
	}
	return &Worker{reporter: reporter, source: source, log: log}
}

// Timeout bounds one attempt: a report is a handful of API calls.
func (w *Worker) Timeout(*river.Job[ReportArgs]) time.Duration { return 2 * time.Minute }

// maxSnooze caps a wait for a rate limit to reset (GitHub's reset is at
// most an hour away).
const maxSnooze = time.Hour

// Work implements river.Worker. Errors that retrying cannot fix (the App
// was uninstalled, the repository is gone, the settings are invalid) cancel
// the job instead of burning its attempts; a rate limit snoozes it until
// the limit resets, which costs no attempt.
func (w *Worker) Work(ctx context.Context, job *river.Job[ReportArgs]) error {
	o, ok, err := w.source.Outcome(ctx, job.Args.TenantID, job.Args.AgentID)
	if errors.Is(err, store.ErrNotFound) {
		w.log.Info("github: agent deleted before its report", "agent_id", job.Args.AgentID)
		return nil
	}
	if err != nil {
		if Permanent(err) {
			return river.JobCancel(err)
		}
		return err
	}
	if !ok {
		return nil
	}
	res, err := w.reporter.Report(ctx, o)
	if err == nil {
		if res.Action != ActionNone {
			w.log.Info("github: reported", "agent_id", job.Args.AgentID, "action", string(res.Action), "issue", res.Issue)
		}
		return nil
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		wait := time.Until(rl.Rate.Reset.Time) + time.Second
		w.log.Warn("github: rate limited", "agent_id", job.Args.AgentID, "wait", wait)
		return river.JobSnooze(min(max(wait, time.Second), maxSnooze))
	}
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &abuse) && abuse.RetryAfter != nil {
		return river.JobSnooze(min(max(*abuse.RetryAfter, time.Second), maxSnooze))
	}
	if Permanent(err) {
		w.log.Error("github: report cannot succeed; giving up", "agent_id", job.Args.AgentID, "error", err)
		return river.JobCancel(err)
	}
	return fmt.Errorf("github: report agent %s: %w", job.Args.AgentID, err)
}
