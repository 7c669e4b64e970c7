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
	at := newAttempt(a.cfg, sess, task, rec)
	at.log.Info("agent started", "test", task.Name, "start", task.StartURL)
	at.execute(ctx, replay)
	at.finishRecords()
	at.res.Duration = time.Since(at.started)
	at.res.Steps = at.nextIndex
	at.res.Checkpoints = at.checkpoints
	at.res.Summary = at.sec.forRecord(at.res.Summary)
	at.log.Info("agent finished", "test", task.Name, "verdict", at.res.Verdict, "reason", at.res.Reason,
		"iterations", at.res.Iterations, "tokens", at.res.Usage.Total(), "model_calls", at.res.ModelCalls,
		"duration", at.res.Duration.Round(time.Millisecond))
	return at.res, nil
}

// attempt is the state of one attempt: the engine carrying out one task in
// one browser session, from the start page to the verdict. Its methods are
// the attempt's own steps; nothing in it outlives the call to Run.
type attempt struct {
	cfg Config
	// sess is the session as the agent drives it (settledSession); raw
	// is the one it wraps.
	sess browser.Session
	raw  browser.Session
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
	// verified counts the positive expectations (text, url, title,
	// visible) Argus verified on the page: steps, replayed checks, asserts.
	verified int
	// pending carries the model's thought and usage of a turn to the first
	// step recorded for it.
	pending stepMeta
	// latestShot is the latest screenshot, maybe still being taken:
	// the model's view, and what a change of the page waits for.
	latestShot *shot
	// nextShot is the screenshot observeAfterAction started, for the step
	// record that follows it.
	nextShot *shot
	// writer writes the recorded steps to rec.
	writer *stepWriter
	// mails are the messages read so far and mail the current one of the
	// email steps; mailLinks and mailCodes number their placeholders.
	mails                []*openedMail
	mail                 *openedMail
	mailLinks, mailCodes int
}

type stepMeta struct {
	thought       string
	modelMS       int
	input, output int64
}

func newAttempt(cfg Config, sess browser.Session, task Task, rec Recorder) *attempt {
	sec := newSecrets(task.Secrets)
	if task.Inbox != nil {
		sec.email = task.Inbox.Address
	}
	at := &attempt{
		cfg: cfg, raw: sess, task: task, rec: rec, sec: sec,
		log:     slog.New(redact.NewHandler(cfg.Logger.Handler(), sec.record)),
		res:     &Result{FailedStep: -1},
		ev:      newEvidence(sess),
		started: time.Now(),
		writer:  newStepWriter(rec),
	}
	at.sess = settledSession{Session: sess, at: at}
	for _, c := range task.Checkpoints {
		at.checkpoints = append(at.checkpoints, CheckpointResult{Checkpoint: c, Step: -1})
	}
	return at
}

// execute picks how to carry out the task: explicit steps, a replay (with
// the model taking over if it stops fitting), or the model loop.
func (at *attempt) execute(ctx context.Context, replay *Replay) {
	if !at.start(ctx) {
		return
	}
	switch {
	case replay != nil:
		at.res.Mode = "replay"
		f := at.runSteps(ctx, replay.Steps, true)
		if f == nil {
			at.pass("replayed the saved run; every step and check still holds", false)
			return
		}
		if !f.fits || at.cfg.Model == nil {
			if f.fits {
				f.summary += " Set ARGUS_MODEL so the agent can continue from here and update the saved run."
			}
			at.endWith(f.verdict, f.reason, f.summary)
			return
		}
		at.res.Mode = "replay+model"
		at.log.Info("replay no longer fits; the model takes over", "at", f.summary)
		at.modelLoop(ctx, "The saved steps of an earlier passing run were replayed, but this one no longer fits the page: "+f.summary+
			" Continue from the current page to reach the goal.")
	case len(at.task.Steps) > 0:
		at.res.Mode = "steps"
		steps := make([]ReplayStep, len(at.task.Steps))
		for i, s := range at.task.Steps {
			steps[i] = ReplayStep{Step: s}
		}
		f := at.runSteps(ctx, steps, false)
		// With a goal, a model may take over an action that no longer fits
		// the page, and verifies the checkpoints the steps did not. An
		// expectation that fails is the verdict: it is never taken over.
		canTakeOver := at.task.Goal != "" && at.cfg.Model != nil
		switch {
		case f == nil && len(at.unverified()) == 0:
			at.pass("all steps passed", false)
		case f == nil && canTakeOver:
			at.res.Mode = "steps+model"
			at.modelLoop(ctx, "The test's explicit steps all passed. Verify the checkpoints that are still open on the current page, then finish.")
		case f == nil:
			at.endWith(VerdictError, "model", "All steps passed, but the checkpoints "+strings.Join(at.unverified(), "; ")+
				" need a model to be verified: set ARGUS_MODEL.")
		case f.fits && f.reason != "expectation" && canTakeOver:
			at.res.Mode = "steps+model"
			at.res.FailedStep = -1
			at.log.Info("a step no longer fits; the model takes over", "at", f.summary)
			at.modelLoop(ctx, "The test's explicit steps ran until one no longer fit the page: "+f.summary+
				" Continue from the current page to reach the goal the steps were written for.")
		default:
			at.endWith(f.verdict, f.reason, f.summary)
		}
	default:
		at.res.Mode = "model"
		at.modelLoop(ctx, "")
	}
}

// start opens the start URL as step 0.
func (at *attempt) start(ctx context.Context) bool {
	began := time.Now()
	err := at.sess.Navigate(ctx, at.task.StartURL)
	act := time.Since(began)
	outcome := "opened " + at.task.StartURL
	if err != nil {
		outcome = "could not open " + at.task.StartURL + ": " + err.Error()
	}
	obs, observeMS, oerr := at.observe(ctx)
	if err == nil && oerr != nil {
		err = oerr
	}
	if err == nil {
		outcome += describePage(obs)
		if doc := failedDocument(at.sess, at.task.StartURL); doc != "" {
			err = fmt.Errorf("the start page failed to load: %s", doc)
			outcome = err.Error()
		}
	}
	args := map[string]any{"url": at.task.StartURL}
	if at.task.Role != nil {
		// The record says which role the model worked in.
		args["role"] = at.task.Role.Name
	}
	at.record(ctx, Step{Action: "navigate", Args: args, Outcome: outcome,
		Failed: err != nil, ActMS: ms(act), ObserveMS: observeMS})
	at.res.Iterations++
	if err != nil {
		if verdict, reason := classify(ctx, err); verdict == VerdictError {
			at.endWith(verdict, reason, "Could not open the start page "+at.task.StartURL+": "+err.Error())
		} else {
			at.res.FailedStep = at.nextIndex - 1
			at.endWith(VerdictFailed, "start", "The start page "+at.task.StartURL+" did not load: "+err.Error())
		}
		return false
	}
	// The start page is not part of a replay: every attempt opens it first.
	return at.res.Verdict == ""
}

// observe takes a fresh observation of the page.
func (at *attempt) observe(ctx context.Context) (*browser.Observation, int, error) {
	began := time.Now()
	obs, err := at.sess.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		return nil, ms(time.Since(began)), err
	}
	at.obs = obs
	return obs, ms(time.Since(began)), nil
}

// observeAfterAction observes the page after an action and starts the
// step's screenshot first (see stepwriter.go): the next record takes it.
func (at *attempt) observeAfterAction(ctx context.Context) (*browser.Observation, int, error) {
	if !at.cfg.NoScreenshots && ctx.Err() == nil {
		at.nextShot = at.takeShot(ctx, at.nextIndex)
	}
	return at.observe(ctx)
}

// record redacts a step and hands it to the writer, which adds its
// screenshot when it is taken and passes it to the recorder. A recorder
// failure ends the attempt: an attempt that cannot be audited is not a
// result.
func (at *attempt) record(ctx context.Context, st Step) {
	st.Index = at.nextIndex
	at.nextIndex++
	st.Time = time.Now()
	if at.pending != (stepMeta{}) {
		st.Thought, st.ModelMS, st.InputTokens, st.OutputTokens = at.pending.thought, at.pending.modelMS, at.pending.input, at.pending.output
		at.pending = stepMeta{}
	}
	if at.obs != nil && st.URL == "" {
		st.URL = at.obs.URL
	}
	shot := at.nextShot
	at.nextShot = nil
	if shot == nil && !at.cfg.NoScreenshots && ctx.Err() == nil {
		shot = at.takeShot(ctx, st.Index)
	}
	st.Thought = at.sec.forRecord(st.Thought)
	st.Outcome = at.sec.forRecord(st.Outcome)
	st.URL = at.sec.forRecord(st.URL)
	st.Args = redactArgs(st.Args, at.sec)
	at.writer.write(unwritten{ctx: ctx, step: st, shot: shot, ended: at.res.Verdict != ""})
	if f := at.writer.failed(); f != nil && !f.ended {
		at.endWith(VerdictError, "recorder", f.summary())
	}
}

// finishRecords writes the steps still queued. A step that could not be
// written ends the attempt as an error when it was recorded before the
// verdict, as if it had been written at once: the agent went on only
// because it did not know yet.
func (at *attempt) finishRecords() {
	// No screenshot outlives Run: the caller closes the session next.
	at.settle()
	f := at.writer.flush()
	if f == nil || f.ended || at.res.Reason == "recorder" {
		return
	}
	at.res.Verdict, at.res.Reason, at.res.Summary = VerdictError, "recorder", f.summary()
	at.res.FailedStep, at.res.Replay = -1, nil
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
func (at *attempt) endWith(v Verdict, reason, summary string) {
	if at.res.Verdict != "" {
		return
	}
	if pageBears(v, reason) {
		at.ev.news()
		if ev := at.ev.summary(); ev != "" {
			summary += " " + ev
		}
	}
	at.res.Verdict, at.res.Reason, at.res.Summary = v, reason, summary
}

// pageBears reports whether the page's console errors and failed requests
// bear on an end: a failure, or a limit the page may have run the agent
// into. A model that could not be reached, a lost browser or a cancelled
// run say nothing about the page, and evidence from it would mislead.
func pageBears(v Verdict, reason string) bool {
	switch v {
	case VerdictFailed:
		return true
	case VerdictError:
		return reason == "loop" || reason == "iteration_limit" || reason == "token_limit"
	}
	return false
}

// pass ends the attempt as passed, keeping a replay of it when asked.
func (at *attempt) pass(summary string, saveReplay bool) {
	if at.res.Verdict != "" {
		return
	}
	if saveReplay {
		at.res.Replay = &Replay{Version: ReplayVersion, Key: at.task.Key, Test: at.task.Name, Saved: time.Now().UTC(), Steps: portable(at.done, at.task.BaseURL)}
		if at.cfg.Model != nil {
			at.res.Replay.Model = at.cfg.Model.Name()
		}
	}
	at.endWith(VerdictPassed, "", summary)
}

// unverified lists the checkpoints not verified yet.
func (at *attempt) unverified() []string {
	var open []string
	for _, c := range at.checkpoints {
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
