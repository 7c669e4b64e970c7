package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/redact"
	"github.com/argusqa/argus/suite"
)

// Agent carries out tests. One Agent serves many runs concurrently; each
// Run gets its own browser session.
type Agent struct {
	cfg Config
}

// New returns an Agent with cfg's defaults filled in.
func New(cfg Config) (*Agent, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Agent{cfg: cfg}, nil
}

// Config returns the agent's configuration with defaults applied.
func (a *Agent) Config() Config { return a.cfg }

// Run carries out task in sess, recording every step to rec, and returns
// the result. It returns an error only for a task it cannot start
// (ErrNoModel, an invalid task); everything that happens once it runs —
// a broken page, a lost browser, an exhausted budget, a cancelled context
// — is a verdict in the Result. Run does not close sess.
func (a *Agent) Run(ctx context.Context, sess browser.Session, task Task, rec Recorder) (*Result, error) {
	if err := task.validate(); err != nil {
		return nil, err
	}
	replay := task.Replay
	if replay != nil && (replay.Key != task.Key || replay.Validate() != nil) {
		replay = nil
	}
	if len(task.Steps) == 0 && replay == nil && a.cfg.Model == nil {
		return nil, ErrNoModel
	}
	if rec == nil {
		rec = Discard
	}
	r := newRun(a.cfg, sess, task, rec)
	r.log.Info("agent started", "test", task.Name, "start", task.StartURL)
	r.execute(ctx, replay)
	r.res.Duration = time.Since(r.started)
	r.res.Steps = r.nextIndex
	r.res.Checkpoints = r.checkpoints
	r.res.Summary = r.sec.forRecord(r.res.Summary)
	r.log.Info("agent finished", "test", task.Name, "verdict", r.res.Verdict, "reason", r.res.Reason,
		"iterations", r.res.Iterations, "tokens", r.res.Usage.Total(), "model_calls", r.res.ModelCalls,
		"duration", r.res.Duration.Round(time.Millisecond))
	return r.res, nil
}

// run is the state of one agent run.
type run struct {
	cfg  Config
	sess browser.Session
	task Task
	rec  Recorder
	sec  *secrets
	log  *slog.Logger
	res  *Result
	ev   *evidence

	started   time.Time
	obs       *browser.Observation // latest observation
	nextIndex int                  // index of the next recorded step
	// done holds the steps executed so far, for saving a replay.
	done        []ReplayStep
	checkpoints []CheckpointResult
	// pending carries the model's thought and usage of a turn to the first
	// step recorded for it.
	pending stepMeta
	// lastShot is the latest step screenshot, reused as the model's view.
	lastShot []byte
}

type stepMeta struct {
	thought       string
	modelMS       int
	input, output int64
}

func newRun(cfg Config, sess browser.Session, task Task, rec Recorder) *run {
	sec := newSecrets(task.Secrets)
	r := &run{
		cfg: cfg, sess: sess, task: task, rec: rec, sec: sec,
		log:     slog.New(redact.NewHandler(cfg.Logger.Handler(), sec.record)),
		res:     &Result{FailedStep: -1},
		ev:      newEvidence(sess),
		started: time.Now(),
	}
	for _, c := range task.Checkpoints {
		r.checkpoints = append(r.checkpoints, CheckpointResult{Checkpoint: c, Step: -1})
	}
	return r
}

// execute picks how to carry out the task: explicit steps, a replay (with
// the model taking over if it stops fitting), or the model loop.
func (r *run) execute(ctx context.Context, replay *Replay) {
	if !r.start(ctx) {
		return
	}
	switch {
	case replay != nil:
		r.res.Mode = "replay"
		f := r.runSteps(ctx, replay.Steps, true)
		if f == nil {
			r.pass("replayed the saved run; every step and check still holds", false)
			return
		}
		if !f.fits || r.cfg.Model == nil {
			if f.fits {
				f.summary += " Set ARGUS_MODEL so the agent can continue from here and update the saved run."
			}
			r.endWith(f.verdict, f.reason, f.summary)
			return
		}
		r.res.Mode = "replay+model"
		r.log.Info("replay no longer fits; the model takes over", "at", f.summary)
		r.modelLoop(ctx, "The saved steps of an earlier passing run were replayed, but this one no longer fits the page: "+f.summary+
			" Continue from the current page to reach the goal.")
	case len(r.task.Steps) > 0:
		r.res.Mode = "steps"
		steps := make([]ReplayStep, len(r.task.Steps))
		for i, s := range r.task.Steps {
			steps[i] = ReplayStep{Step: s}
		}
		f := r.runSteps(ctx, steps, false)
		// With a goal, a model may take over an action that no longer fits
		// the page, and verifies the checkpoints the steps did not. An
		// expectation that fails is the verdict: it is never taken over.
		canTakeOver := r.task.Goal != "" && r.cfg.Model != nil
		switch {
		case f == nil && len(r.unverified()) == 0:
			r.pass("all steps passed", false)
		case f == nil && canTakeOver:
			r.res.Mode = "steps+model"
			r.modelLoop(ctx, "The test's explicit steps all passed. Verify the checkpoints that are still open on the current page, then finish.")
		case f == nil:
			r.endWith(VerdictError, "model", "All steps passed, but the checkpoints "+strings.Join(r.unverified(), "; ")+
				" need a model to be verified: set ARGUS_MODEL.")
		case f.fits && f.reason != "expectation" && canTakeOver:
			r.res.Mode = "steps+model"
			r.res.FailedStep = -1
			r.log.Info("a step no longer fits; the model takes over", "at", f.summary)
			r.modelLoop(ctx, "The test's explicit steps ran until one no longer fit the page: "+f.summary+
				" Continue from the current page to reach the goal the steps were written for.")
		default:
			r.endWith(f.verdict, f.reason, f.summary)
		}
	default:
		r.res.Mode = "model"
		r.modelLoop(ctx, "")
	}
}

// start opens the start URL as step 0.
func (r *run) start(ctx context.Context) bool {
	began := time.Now()
	err := r.sess.Navigate(ctx, r.task.StartURL)
	act := time.Since(began)
	outcome := "opened " + r.task.StartURL
	if err != nil {
		outcome = "could not open " + r.task.StartURL + ": " + err.Error()
	}
	obs, observeMS, oerr := r.observe(ctx)
	if err == nil && oerr != nil {
		err = oerr
	}
	if err == nil {
		outcome += describePage(obs)
		if doc := failedDocument(r.sess, r.task.StartURL); doc != "" {
			err = fmt.Errorf("the start page failed to load: %s", doc)
			outcome = err.Error()
		}
	}
	r.record(ctx, Step{Action: "navigate", Args: map[string]any{"url": r.task.StartURL}, Outcome: outcome,
		Failed: err != nil, ActMS: ms(act), ObserveMS: observeMS})
	r.res.Iterations++
	if err != nil {
		if verdict, reason := classify(ctx, err); verdict == VerdictError {
			r.endWith(verdict, reason, "Could not open the start page "+r.task.StartURL+": "+err.Error())
		} else {
			r.res.FailedStep = r.nextIndex - 1
			r.endWith(VerdictFailed, "start", "The start page "+r.task.StartURL+" did not load: "+err.Error())
		}
		return false
	}
	// The start page is not part of a replay: every run opens it first.
	return r.res.Verdict == ""
}

// observe takes a fresh observation of the page.
func (r *run) observe(ctx context.Context) (*browser.Observation, int, error) {
	began := time.Now()
	obs, err := r.sess.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		return nil, ms(time.Since(began)), err
	}
	r.obs = obs
	return obs, ms(time.Since(began)), nil
}

// record redacts a step, adds its screenshot and hands it to the recorder.
// A recorder failure ends the run: a run that cannot be audited is not a
// result.
func (r *run) record(ctx context.Context, st Step) {
	st.Index = r.nextIndex
	r.nextIndex++
	st.Time = time.Now()
	if r.pending != (stepMeta{}) {
		st.Thought, st.ModelMS, st.InputTokens, st.OutputTokens = r.pending.thought, r.pending.modelMS, r.pending.input, r.pending.output
		r.pending = stepMeta{}
	}
	if r.obs != nil && st.URL == "" {
		st.URL = r.obs.URL
	}
	if !r.cfg.NoScreenshots && ctx.Err() == nil {
		if png, err := r.sess.Screenshot(ctx); err == nil {
			st.Screenshot, r.lastShot = png, png
		} else {
			r.log.Debug("screenshot failed", "step", st.Index, "err", err)
		}
	}
	st.Thought = r.sec.forRecord(st.Thought)
	st.Outcome = r.sec.forRecord(st.Outcome)
	st.URL = r.sec.forRecord(st.URL)
	st.Args = redactArgs(st.Args, r.sec)
	if err := r.rec.RecordStep(ctx, st); err != nil && r.res.Verdict == "" {
		r.endWith(VerdictError, "recorder", "Could not record step "+fmt.Sprint(st.Index)+": "+err.Error())
	}
}

func redactArgs(args map[string]any, sec *secrets) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		if s, ok := v.(string); ok {
			out[k] = sec.forRecord(s)
		} else {
			out[k] = v
		}
	}
	return out
}

// endWith sets the verdict once; later calls are ignored, so the first
// cause of an end is the one reported.
func (r *run) endWith(v Verdict, reason, summary string) {
	if r.res.Verdict != "" {
		return
	}
	if v == VerdictFailed || v == VerdictError {
		r.ev.news()
		if ev := r.ev.summary(); ev != "" {
			summary += " " + ev
		}
	}
	r.res.Verdict, r.res.Reason, r.res.Summary = v, reason, summary
}

// pass ends the run as passed, keeping a replay of it when asked.
func (r *run) pass(summary string, saveReplay bool) {
	if r.res.Verdict != "" {
		return
	}
	if saveReplay {
		r.res.Replay = &Replay{Version: ReplayVersion, Key: r.task.Key, Test: r.task.Name, Saved: time.Now().UTC(), Steps: portable(r.done, r.task.BaseURL)}
		if r.cfg.Model != nil {
			r.res.Replay.Model = r.cfg.Model.Name()
		}
	}
	r.endWith(VerdictPassed, "", summary)
}

// unverified lists the checkpoints not verified yet.
func (r *run) unverified() []string {
	var open []string
	for _, c := range r.checkpoints {
		if !c.Verified {
			open = append(open, c.Checkpoint)
		}
	}
	return open
}

// portable rewrites navigations to the application's own pages as paths, so
// a replay recorded against one address (a developer's port, a preview
// deployment) replays against another.
func portable(steps []ReplayStep, baseURL string) []ReplayStep {
	base, err := url.Parse(baseURL)
	if err != nil || base.Host == "" {
		return steps
	}
	out := make([]ReplayStep, len(steps))
	for i, st := range steps {
		out[i] = st
		if st.Step.Verb != suite.VerbNavigate {
			continue
		}
		u, err := url.Parse(st.Step.Value)
		if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
			continue
		}
		// ResolveURL appends a path to the base URL's path, so the base
		// path is taken off here.
		prefix := strings.TrimSuffix(base.Path, "/")
		if prefix != "" && u.Path != prefix && !strings.HasPrefix(u.Path, prefix+"/") {
			continue
		}
		rel := *u
		rel.Scheme, rel.Host, rel.User = "", "", nil
		rel.Path = strings.TrimPrefix(u.Path, prefix)
		rel.RawPath = ""
		if rel.Path == "" {
			rel.Path = "/"
		}
		out[i].Step.Value = rel.String()
	}
	return out
}

// classify says whether an error means the application misbehaved (failed)
// or Argus could not find out (error), with a reason.
func classify(ctx context.Context, err error) (Verdict, string) {
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return VerdictCancelled, "cancelled"
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return VerdictError, "deadline"
	case errors.Is(err, browser.ErrNotFound), errors.Is(err, browser.ErrNotActionable),
		errors.Is(err, browser.ErrStaleTarget), errors.Is(err, browser.ErrPageLoadTimeout):
		return VerdictFailed, "step"
	case errors.Is(err, llm.ErrUnavailable):
		return VerdictError, "model"
	default:
		return VerdictError, "browser"
	}
}

func ms(d time.Duration) int { return int(d.Milliseconds()) }
