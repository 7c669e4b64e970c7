package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/suite"
)

// failure is why a sequence of steps stopped.
type failure struct {
	verdict Verdict
	reason  string
	summary string
	// fits is true when the step no longer fits the page (an element is
	// missing, a check does not hold), as opposed to Argus itself failing:
	// only then may the model take over.
	fits bool
}

// runSteps executes explicit or replayed steps in order, recording each.
// It returns nil when all passed.
func (r *run) runSteps(ctx context.Context, steps []ReplayStep, replaying bool) *failure {
	for i, rs := range steps {
		if f := r.checkBudget(ctx); f != nil {
			return f
		}
		st := rs.Step
		what := "step"
		if replaying {
			what = "replayed step"
		}
		label := fmt.Sprintf("%s %d (%s)", what, i+1, r.sec.forRecord(st.String()))

		var pin *browser.Element
		var observeMS int
		if replaying && rs.Element != nil {
			el, took, err := r.findFingerprint(ctx, rs.Element)
			observeMS = took
			if err != nil {
				return r.stepFailed(ctx, st, observeMS, 0, err, label, replaying)
			}
			if el == nil {
				msg := fmt.Sprintf("%s no longer fits the page: %s is not on %s.", label, rs.Element, r.pageName())
				r.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: msg, Failed: true, ObserveMS: observeMS})
				r.res.FailedStep = r.nextIndex - 1
				return &failure{verdict: VerdictError, reason: "replay", summary: msg, fits: true}
			}
			pin = el
		}

		began := time.Now()
		var outcome string
		var err error
		if st.Verb.IsExpectation() {
			var ok bool
			ok, outcome, err = r.verify(ctx, st)
			if err == nil && !ok {
				r.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: outcome, Failed: true,
					ObserveMS: observeMS, ActMS: ms(time.Since(began))})
				r.res.Iterations++
				r.res.FailedStep = r.nextIndex - 1
				return &failure{verdict: VerdictFailed, reason: "expectation", fits: true,
					summary: fmt.Sprintf("%s failed: %s", label, outcome)}
			}
			if err == nil {
				r.markCheckpoint(rs, outcome)
			}
		} else {
			outcome, err = r.act(ctx, st, pin)
		}
		act := ms(time.Since(began))
		if err != nil {
			r.res.Iterations++
			return r.stepFailed(ctx, st, observeMS, act, err, label, replaying)
		}
		obs, took, oerr := r.observe(ctx)
		observeMS += took
		if oerr == nil && !st.Verb.IsExpectation() {
			outcome += describePage(obs)
			if news := describeNews(r.ev.news()); news != "" {
				outcome += "; " + news
			}
		}
		r.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: outcome, ObserveMS: observeMS, ActMS: act})
		r.res.Iterations++
		r.done = append(r.done, rs)
		if r.res.Verdict != "" {
			return &failure{verdict: r.res.Verdict, reason: r.res.Reason, summary: r.res.Summary}
		}
		if oerr != nil {
			v, reason := classify(ctx, oerr)
			return &failure{verdict: v, reason: reason, summary: "Could not observe the page after " + label + ": " + oerr.Error()}
		}
	}
	return nil
}

// stepFailed records a step whose action did not succeed and says how the
// run ends: a step that does not fit the page fails the test (or, in a
// replay, asks for the model); anything else is Argus's error.
func (r *run) stepFailed(ctx context.Context, st suite.Step, observeMS, actMS int, err error, label string, replaying bool) *failure {
	verdict, reason := classify(ctx, err)
	msg := fmt.Sprintf("%s could not be done on %s: %v", label, r.pageName(), err)
	r.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: msg, Failed: true, ObserveMS: observeMS, ActMS: actMS})
	r.res.FailedStep = r.nextIndex - 1
	f := &failure{verdict: verdict, reason: reason, summary: msg}
	if verdict == VerdictFailed {
		f.fits = true
		if replaying {
			// A saved run that stops fitting may mean the application
			// changed, not that it broke: Argus cannot tell without the
			// model.
			f.verdict, f.reason = VerdictError, "replay"
			f.summary = msg + "."
		}
	}
	return f
}

// findFingerprint observes until an element matching f appears, for at
// most the expectation timeout; nil when it does not.
func (r *run) findFingerprint(ctx context.Context, f *Fingerprint) (*browser.Element, int, error) {
	began := time.Now()
	deadline := began.Add(r.cfg.ExpectTimeout)
	for {
		obs, _, err := r.observe(ctx)
		if err != nil {
			return nil, ms(time.Since(began)), err
		}
		if el, ok := f.find(obs); ok {
			return &el, ms(time.Since(began)), nil
		}
		if time.Now().After(deadline) {
			return nil, ms(time.Since(began)), nil
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return nil, ms(time.Since(began)), err
		}
	}
}

// markCheckpoint credits a checkpoint verified by a replayed expectation.
func (r *run) markCheckpoint(rs ReplayStep, evidence string) {
	if rs.Checkpoint == "" {
		return
	}
	for i := range r.checkpoints {
		if r.checkpoints[i].Checkpoint == rs.Checkpoint && !r.checkpoints[i].Verified {
			r.checkpoints[i].Verified, r.checkpoints[i].Step, r.checkpoints[i].Evidence = true, r.nextIndex, evidence
		}
	}
}

func (r *run) checkBudget(ctx context.Context) *failure {
	if err := ctx.Err(); err != nil {
		v, reason := classify(ctx, err)
		summary := "The run was cancelled."
		if v == VerdictError {
			summary = "The test ran out of time before it could finish."
		}
		return &failure{verdict: v, reason: reason, summary: summary}
	}
	if r.res.Iterations >= r.cfg.MaxIterations {
		return &failure{verdict: VerdictError, reason: "iteration_limit",
			summary: fmt.Sprintf("Stopped after %d iterations, the limit, without a verdict.", r.cfg.MaxIterations)}
	}
	return nil
}

func (r *run) pageName() string {
	if r.obs == nil {
		return "the page"
	}
	return r.sec.forRecord(r.obs.URL)
}

func stepArgs(st suite.Step) map[string]any {
	return map[string]any{"step": st.String()}
}

func navigateStep(url string) suite.Step { return suite.Step{Verb: suite.VerbNavigate, Value: url} }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
