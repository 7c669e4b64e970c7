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
func (at *attempt) runSteps(ctx context.Context, steps []ReplayStep, replaying bool) *failure {
	for i, rs := range steps {
		if f := at.checkBudget(ctx); f != nil {
			return f
		}
		st := rs.Step
		what := "step"
		if replaying {
			what = "replayed step"
		}
		label := fmt.Sprintf("%s %d (%s)", what, i+1, at.sec.forRecord(st.String()))

		var pin *browser.Element
		var observeMS int
		if replaying && rs.Element != nil {
			el, took, err := at.findFingerprint(ctx, rs.Element)
			observeMS = took
			if err != nil {
				return at.stepFailed(ctx, st, observeMS, 0, err, label, replaying)
			}
			if el == nil {
				msg := fmt.Sprintf("%s no longer fits the page: %s is not on %s.", label, rs.Element, at.pageName())
				at.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: msg, Failed: true, ObserveMS: observeMS})
				at.res.FailedStep = at.nextIndex - 1
				return &failure{verdict: VerdictError, reason: "replay", summary: msg, fits: true}
			}
			pin = el
		}

		began := time.Now()
		var outcome string
		var err error
		if st.Verb.IsExpectation() {
			var ok bool
			ok, outcome, err = at.verify(ctx, st)
			if err == nil && !ok {
				at.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: outcome, Failed: true,
					ObserveMS: observeMS, ActMS: ms(time.Since(began))})
				at.res.Iterations++
				at.res.FailedStep = at.nextIndex - 1
				return &failure{verdict: VerdictFailed, reason: "expectation", fits: true,
					summary: fmt.Sprintf("%s failed: %s", label, outcome)}
			}
			if err == nil {
				at.markCheckpoint(rs, outcome)
				if positive[st.Verb] {
					at.verified++
				}
			}
		} else {
			outcome, err = at.act(ctx, st, pin)
		}
		act := ms(time.Since(began))
		if err != nil {
			at.res.Iterations++
			return at.stepFailed(ctx, st, observeMS, act, err, label, replaying)
		}
		obs, took, oerr := at.observeAfterAction(ctx)
		observeMS += took
		if oerr == nil && !st.Verb.IsExpectation() {
			outcome += describePage(obs)
			if news := describeNews(at.ev.news()); news != "" {
				outcome += "; " + news
			}
		}
		at.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: outcome, ObserveMS: observeMS, ActMS: act})
		at.res.Iterations++
		at.done = append(at.done, rs)
		if at.res.Verdict != "" {
			return &failure{verdict: at.res.Verdict, reason: at.res.Reason, summary: at.res.Summary}
		}
		if oerr != nil {
			v, reason := classify(ctx, oerr)
			return &failure{verdict: v, reason: reason, summary: "Could not observe the page after " + label + ": " + oerr.Error()}
		}
	}
	return nil
}

// stepFailed records a step whose action did not succeed and says how the
// attempt ends: a step that does not fit the page fails the test (or, in a
// replay, asks for the model); anything else is Argus's error.
func (at *attempt) stepFailed(ctx context.Context, st suite.Step, observeMS, actMS int, err error, label string, replaying bool) *failure {
	verdict, reason := classify(ctx, err)
	msg := fmt.Sprintf("%s could not be done on %s: %v", label, at.pageName(), err)
	at.record(ctx, Step{Action: st.Verb.String(), Args: stepArgs(st), Outcome: msg, Failed: true, ObserveMS: observeMS, ActMS: actMS})
	at.res.FailedStep = at.nextIndex - 1
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
func (at *attempt) findFingerprint(ctx context.Context, f *Fingerprint) (*browser.Element, int, error) {
	began := time.Now()
	deadline := began.Add(at.cfg.ExpectTimeout)
	for {
		obs, _, err := at.observe(ctx)
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
func (at *attempt) markCheckpoint(rs ReplayStep, evidence string) {
	if rs.Checkpoint == "" {
		return
	}
	for i := range at.checkpoints {
		if at.checkpoints[i].Checkpoint == rs.Checkpoint && !at.checkpoints[i].Verified {
			at.checkpoints[i].Verified, at.checkpoints[i].Step, at.checkpoints[i].Evidence = true, at.nextIndex, evidence
		}
	}
}

func (at *attempt) checkBudget(ctx context.Context) *failure {
	if err := ctx.Err(); err != nil {
		v, reason := classify(ctx, err)
		summary := "The run was cancelled."
		if v == VerdictError {
			summary = "The test ran out of time before it could finish."
		}
		return &failure{verdict: v, reason: reason, summary: summary}
	}
	if at.res.Iterations >= at.cfg.MaxIterations {
		return &failure{verdict: VerdictError, reason: "iteration_limit",
			summary: fmt.Sprintf("Stopped after %d iterations, the limit, without a verdict.", at.cfg.MaxIterations)}
	}
	return nil
}

func (at *attempt) pageName() string {
	if at.obs == nil {
		return "the page"
	}
	return at.sec.forRecord(at.obs.URL)
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
