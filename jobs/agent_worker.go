package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/video"
)

// Reasons the worker itself records on agents, beside the agent's own
// (agent.Result.Reason).
const (
	// ReasonSetup: the test could not be turned into a task (a missing
	// secret, a step the server cannot run, a deleted test).
	ReasonSetup = "setup"
	// ReasonNoModel: a goal-only test and no model configured.
	ReasonNoModel = "no_model"
	// ReasonTargetPolicy: the test's start URL is somewhere this server's
	// target policy does not let the browser go (a project saved under a
	// laxer policy).
	ReasonTargetPolicy = "target_policy"
)

// closeTimeout bounds closing a browser after its agent ended. Providers
// destroy a browser within about 5 s; the rest is slack.
const closeTimeout = 10 * time.Second

// errRowCancelled ends an agent whose row was cancelled by someone who did
// not (or could not) cancel its River job.
var errRowCancelled = errors.New("the agent was cancelled")

// agentWorker runs agent jobs.
type agentWorker struct {
	river.WorkerDefaults[AgentArgs]
	j *Jobs
}

// NextRetry spaces infrastructure retries by RetryDelay × attempt.
func (w *agentWorker) NextRetry(job *river.Job[AgentArgs]) time.Time {
	return time.Now().Add(w.j.cfg.RetryDelay * time.Duration(max(job.Attempt, 1)))
}

func (w *agentWorker) Work(ctx context.Context, job *river.Job[AgentArgs]) error {
	return w.j.runAgent(ctx, job)
}

// attemptRun is one attempt of one agent.
type attemptRun struct {
	j       *Jobs
	job     *river.Job[AgentArgs]
	tenant  uuid.UUID
	agent   *store.Agent
	attempt int
	log     *slog.Logger
	egress  *browser.EgressPolicy // set by task
	video   video.Mode            // set by task
	// rec is the recording of this attempt's browser, until finish keeps
	// or drops it.
	rec *video.Recording
}

// runAgent carries out one attempt of an agent job. Its return value is
// what River acts on: nil ends the job, an error retries it (or discards
// it on the last attempt), river.JobCancel cancels it, and
// context.Canceled during a stop of this worker hands the job back.
func (j *Jobs) runAgent(ctx context.Context, job *river.Job[AgentArgs]) error {
	tenant, id := job.Args.TenantID, job.Args.AgentID
	log := j.cfg.Logger.With("agent", id, "tenant", tenant, "job", job.ID, "attempt", job.Attempt)
	a, err := j.cfg.Store.GetAgent(ctx, tenant, id)
	if errors.Is(err, store.ErrNotFound) {
		log.Info("agent job for an agent that no longer exists; nothing to do")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load agent: %w", err)
	}
	if a.Status.Final() {
		// Cancelled while queued, or finished by an earlier attempt whose
		// worker died before River heard of it.
		log.Info("agent already ended; nothing to do", "status", a.Status)
		return nil
	}
	// An attempt handed back by a stopping worker runs again with River's
	// attempt number unchanged; its steps must not collide with the
	// interrupted attempt's, so the attempt recorded only ever grows.
	attempt := max(job.Attempt, a.Attempt+1)
	model := ""
	if j.cfg.Model != nil {
		model = j.cfg.Model.Name()
	}
	started, err := j.cfg.Store.StartAgent(ctx, tenant, id, attempt, &job.ID, model)
	if errors.Is(err, store.ErrNotFound) {
		log.Info("agent cancelled before it started")
		return nil
	}
	if err != nil {
		return fmt.Errorf("start agent: %w", err)
	}
	j.cfg.Observer.AgentStarted()
	defer j.cfg.Observer.AgentEnded()
	r := &attemptRun{j: j, job: job, tenant: tenant, agent: started, attempt: attempt, log: log.With("attempt", attempt)}
	r.changed(ctx)
	return r.run(ctx)
}

func (r *attemptRun) run(ctx context.Context) error {
	task, timeout, setupErr := r.task(ctx)
	if setupErr != nil {
		if ctx.Err() != nil {
			return r.interrupted(ctx, nil)
		}
		var se *setupError
		if errors.As(setupErr, &se) {
			return r.finish(ctx, store.AgentResult{Status: store.StatusError, Summary: se.msg, ErrorReason: se.reason}, nil)
		}
		return r.infraFailure(ctx, "database", setupErr, nil)
	}

	sess, err := r.j.cfg.Browser.Acquire(ctx, browser.AcquireOptions{AgentID: r.agent.ID.String(), Identity: task.Persona.Identity(), Egress: r.egress})
	if err != nil {
		if ctx.Err() != nil {
			return r.interrupted(ctx, nil)
		}
		return r.infraFailure(ctx, "browser", fmt.Errorf("the browser would not start: %w", err), nil)
	}
	if r.video.Records() {
		if r.rec, err = video.Start(ctx, r.j.cfg.Video, sess); err != nil {
			r.log.Warn("the agent is not recorded", "video", r.video, "error", err)
			r.rec = nil
		}
	}
	defer r.dropVideo(ctx)
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	runCtx, cancelTimeout := context.WithTimeout(runCtx, timeout)
	defer cancelTimeout()
	rec := &recorder{run: r, cancel: cancelRun}
	res, runErr := r.j.agent.Run(runCtx, sess, task, rec)

	// The browser goes first, whatever happened: a cancelled agent's
	// browser is destroyed now, not after the bookkeeping.
	closeCtx, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
	if err := sess.Close(closeCtx); err != nil {
		r.log.Warn("closing the browser", "error", err)
	}
	cancelClose()

	cause := context.Cause(runCtx)
	switch {
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely), errors.Is(cause, errRowCancelled):
		return r.cancelled(ctx, res)
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return r.interrupted(ctx, res)
	}
	if runErr != nil {
		reason := ReasonSetup
		if errors.Is(runErr, agent.ErrNoModel) {
			reason = ReasonNoModel
		}
		return r.finish(ctx, store.AgentResult{Status: store.StatusError, Summary: runErr.Error(), ErrorReason: reason}, nil)
	}
	if res.Verdict == agent.VerdictError && (res.Reason == "browser" || (res.Reason == "model" && r.j.cfg.Model != nil)) {
		return r.infraFailure(ctx, res.Reason, errors.New(res.Summary), res)
	}
	if err := r.finish(ctx, resultOf(res), res); err != nil {
		return err
	}
	if res.Verdict == agent.VerdictPassed && res.Replay != nil {
		r.saveReplay(ctx, res.Replay)
	}
	return nil
}

// setupError is a problem with the test itself: not retried.
type setupError struct{ reason, msg string }

func (e *setupError) Error() string { return e.msg }

// task loads what the agent needs: the test, its project's base URL, the
// secrets the test uses and its saved replay.
func (r *attemptRun) task(ctx context.Context) (agent.Task, time.Duration, error) {
	s := r.j.cfg.Store
	if r.agent.TestID == nil {
		return agent.Task{}, 0, &setupError{ReasonSetup, "the test was deleted before this agent started"}
	}
	t, err := s.GetTest(ctx, r.tenant, *r.agent.TestID)
	if errors.Is(err, store.ErrNotFound) {
		return agent.Task{}, 0, &setupError{ReasonSetup, "the test was deleted before this agent started"}
	}
	if err != nil {
		return agent.Task{}, 0, err
	}
	p, err := s.GetProject(ctx, r.tenant, t.ProjectID)
	if err != nil {
		return agent.Task{}, 0, err
	}
	st, err := suiteTest(t)
	if err != nil {
		return agent.Task{}, 0, &setupError{ReasonSetup, "the test cannot run: " + err.Error()}
	}
	var persona *store.Persona
	names := st.Secrets()
	if st.Persona != "" {
		persona, err = s.GetPersona(ctx, r.tenant, t.ProjectID, st.Persona)
		if errors.Is(err, store.ErrNotFound) {
			return agent.Task{}, 0, &setupError{ReasonSetup, fmt.Sprintf("the test runs as persona %q, which project %q does not have: add it under the project's personas", st.Persona, p.Name)}
		}
		if err != nil {
			return agent.Task{}, 0, err
		}
		for _, n := range []string{persona.PasswordSecret, persona.TOTPSecret} {
			if n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	var secrets map[string]string
	if len(names) > 0 {
		secrets, err = s.SecretValues(ctx, r.tenant, t.ProjectID)
		if errors.Is(err, store.ErrNoKeyring) {
			return agent.Task{}, 0, &setupError{ReasonSetup, "the test uses secrets and this worker has no ARGUS_SECRET_KEY to open them"}
		}
		if err != nil {
			return agent.Task{}, 0, err
		}
		for _, n := range names {
			if _, ok := secrets[n]; !ok {
				return agent.Task{}, 0, &setupError{ReasonSetup, fmt.Sprintf("the test uses {{secret.%s}} and project %q has no secret of that name: add it in the project's secrets", n, p.Name)}
			}
		}
	}
	saved, err := s.GetReplay(ctx, r.tenant, t.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return agent.Task{}, 0, err
	}
	// A plan's test starts with the values the tests it needs remembered,
	// written into it; its replay stays keyed by the test as written.
	vars, inPlan, err := s.PlanInputs(ctx, r.tenant, r.agent.ID)
	if err != nil {
		return agent.Task{}, 0, err
	}
	expanded, err := st.ExpandVars(vars)
	if err != nil {
		return agent.Task{}, 0, &setupError{ReasonSetup, err.Error()}
	}
	task, err := buildTask(expanded, p.BaseURL, secrets, nil)
	if err != nil {
		return agent.Task{}, 0, &setupError{ReasonSetup, "the test cannot run: " + err.Error()}
	}
	task.Key = st.Hash()
	if saved != nil && saved.Key == task.Key {
		if rep, err := agent.UnmarshalReplay(saved.Data); err == nil && rep.Key == task.Key {
			task.Replay = rep
		}
	}
	task.Vars, task.Remember = vars, inPlan
	if st.Role != "" {
		if task.Role, err = r.j.role(ctx, r.tenant, p, st.Role); err != nil {
			return agent.Task{}, 0, err
		}
	}
	if persona != nil {
		if task.Persona, err = personaOf(persona, secrets); err != nil {
			return agent.Task{}, 0, &setupError{ReasonSetup, "the test cannot run: " + err.Error()}
		}
	}
	if task.Inbox, err = r.j.inbox(ctx, r.tenant, p, st, persona); err != nil {
		return agent.Task{}, 0, err
	}
	if len(task.Steps) == 0 && task.Replay == nil && r.j.cfg.Model == nil {
		return agent.Task{}, 0, &setupError{ReasonNoModel, agent.ErrNoModel.Error()}
	}
	r.video = video.Resolve(video.Mode(t.Video), video.Mode(p.Video))
	if r.egress, err = r.j.egress(ctx, p, task); err != nil {
		return agent.Task{}, 0, err
	}
	return task, st.Timeout, nil
}

// infraFailure ends an attempt that infrastructure failed: River retries
// it as a new attempt, except on the last attempt, which records the error
// verdict.
func (r *attemptRun) infraFailure(ctx context.Context, reason string, cause error, res *agent.Result) error {
	if r.job.Attempt < r.job.MaxAttempts {
		r.log.Warn("agent attempt failed; retrying", "reason", reason, "error", cause)
		return fmt.Errorf("attempt %d of %d: %s: %w", r.job.Attempt, r.job.MaxAttempts, reason, cause)
	}
	out := store.AgentResult{Status: store.StatusError, ErrorReason: reason,
		Summary: fmt.Sprintf("%s (after %d attempts)", cause.Error(), r.job.Attempt)}
	if res != nil {
		out.AgentProgress = progressOf(res)
	}
	if err := r.finish(ctx, out, res); err != nil {
		return err
	}
	return fmt.Errorf("attempt %d of %d: %s: %w", r.job.Attempt, r.job.MaxAttempts, reason, cause)
}

// cancelled records the end of a cancelled agent and cancels its job.
func (r *attemptRun) cancelled(ctx context.Context, res *agent.Result) error {
	out := store.AgentResult{Status: store.StatusCancelled, ErrorReason: "cancelled", Summary: "The agent was cancelled."}
	if res != nil {
		out.AgentProgress = progressOf(res)
	}
	if err := r.finish(ctx, out, res); err != nil {
		r.log.Warn("recording the cancellation", "error", err)
	}
	return river.JobCancel(errRowCancelled)
}

// interrupted ends an attempt whose job context ended early: a remote
// cancellation records the cancellation; otherwise this worker is stopping
// and hands the job back to the queue, which River makes available again
// without counting the attempt.
func (r *attemptRun) interrupted(ctx context.Context, res *agent.Result) error {
	if errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely) {
		return r.cancelled(ctx, res)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// The job's time ran out before the agent could start (waiting
		// for a browser): an infrastructure failure like any other.
		return r.infraFailure(ctx, "browser", errors.New("no browser became available before the job's timeout"), res)
	}
	r.log.Info("worker stopping; the agent goes back to the queue")
	return fmt.Errorf("worker stopping: %w", context.Cause(ctx))
}

// finish records the agent's end and the run's new status, and tells the
// live views. It works on a context of its own: the job's may have ended.
func (r *attemptRun) finish(ctx context.Context, out store.AgentResult, res *agent.Result) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	r.keepVideo(wctx, &out)
	if res != nil && out.Status == store.StatusPassed {
		// Before the verdict, so a node that needs this one never starts
		// without its values.
		if err := r.j.cfg.Store.RememberPlanValues(wctx, r.tenant, r.agent.ID, res.Vars); err != nil {
			return fmt.Errorf("keep the remembered values: %w", err)
		}
	}
	var a *store.Agent
	err := retryUnavailable(wctx, r.log, "record the verdict", func(bool) (err error) {
		// Setting the same end state twice is harmless.
		a, err = r.j.cfg.Store.FinishAgent(wctx, r.tenant, r.agent.ID, out)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		// Cancelled meanwhile, which stands; whoever cancelled it told
		// the rest.
		r.changed(wctx)
		return nil
	}
	if err != nil {
		return fmt.Errorf("record the verdict: %w", err)
	}
	// A plan's run moves on before the run's status is refreshed, so the
	// run is never seen ended while a node is still to start.
	skipped := r.j.advancePlan(wctx, r.tenant, a.RunID)
	run := r.changed(wctx)
	for i := range skipped {
		r.j.finished(wctx, &skipped[i], run)
	}
	r.j.finished(wctx, a, run)
	return nil
}

// changed refreshes the run's status after the agent's changed, and
// publishes both. It returns the run, nil if it could not be refreshed.
func (r *attemptRun) changed(ctx context.Context) *store.Run {
	r.j.publish(ctx, events.Event{Kind: events.KindAgent, Tenant: r.tenant, Run: r.agent.RunID, Agent: r.agent.ID})
	run, err := r.j.cfg.Store.RefreshRunStatus(context.WithoutCancel(ctx), r.tenant, r.agent.RunID)
	if err != nil {
		r.log.Warn("refreshing the run's status", "error", err)
		return nil
	}
	r.j.publish(ctx, events.Event{Kind: events.KindRun, Tenant: r.tenant, Run: r.agent.RunID})
	return run
}

// finished hands an agent that has just ended to Config.AgentFinished.
func (j *Jobs) finished(ctx context.Context, a *store.Agent, run *store.Run) {
	if j.cfg.AgentFinished == nil || run == nil {
		return
	}
	j.cfg.AgentFinished(ctx, j.client, a, run)
}

func (r *attemptRun) saveReplay(ctx context.Context, rep *agent.Replay) {
	data, err := agent.MarshalReplay(rep)
	if err == nil {
		_, err = r.j.cfg.Store.PutReplay(context.WithoutCancel(ctx), r.tenant, *r.agent.TestID, rep.Key, data)
	}
	if err != nil {
		r.log.Warn("could not save the replay; the next run will use the model again", "error", err)
		return
	}
	r.log.Info("saved replay", "steps", len(rep.Steps))
}

// resultOf maps the agent's verdict to the agent row.
func resultOf(res *agent.Result) store.AgentResult {
	var status store.Status
	switch res.Verdict {
	case agent.VerdictPassed:
		status = store.StatusPassed
	case agent.VerdictFailed:
		status = store.StatusFailed
	case agent.VerdictCancelled:
		status = store.StatusCancelled
	default:
		status = store.StatusError
	}
	return store.AgentResult{Status: status, Summary: res.Summary, ErrorReason: res.Reason, AgentProgress: progressOf(res)}
}

func progressOf(res *agent.Result) store.AgentProgress {
	return store.AgentProgress{Iterations: res.Iterations, InputTokens: res.Usage.InputTokens, OutputTokens: res.Usage.OutputTokens}
}

// egress is the target policy of an agent's browser: the server's address
// policy, the project's origins and its third-party setting. A start URL
// the address policy refuses ends the agent in error before a browser
// starts.
func (j *Jobs) egress(ctx context.Context, p *store.Project, task agent.Task) (*browser.EgressPolicy, error) {
	eg, err := browser.EgressFor(ctx, j.cfg.TargetPolicy, browser.AgentTarget{
		BaseURL: p.BaseURL, StartURL: task.StartURL,
		AllowedOrigins: p.AllowedOrigins, BlockThirdParty: p.BlockThirdPartyRequests,
	})
	var se *browser.StartURLError
	switch {
	case errors.As(err, &se) && se.Blocked != nil:
		return nil, &setupError{ReasonTargetPolicy, se.Error() + "; change the project's base URL (or, as an operator, ARGUS_TARGET_ALLOW_CIDRS)"}
	case err != nil:
		return nil, &setupError{ReasonSetup, err.Error()}
	}
	return eg, nil
}
