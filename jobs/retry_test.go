package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestFailedVerdictIsNotRetried: the application did not do what the test
// says; one attempt, failed, and the job is done.
func TestFailedVerdictIsNotRetried(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	browsers := &fakeProvider{}
	j := f.newJobs(jobs.Config{Browser: browsers, Agent: agent.Config{ExpectTimeout: 50 * time.Millisecond}})
	done := subscribe(j)
	_, agents := f.run(j, f.test("Title", store.TestInput{Steps: []string{`expect title "Real shop"`}}))
	start(t, j)
	ev := finished(t, done, 1, 30*time.Second)[0]
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusFailed || a.Attempt != 1 || browsers.acquires.Load() != 1 {
		t.Fatalf("agent %+v after %d browsers", a, browsers.acquires.Load())
	}
	if ev.Job.State != rivertype.JobStateCompleted || ev.Job.Attempt != 1 {
		t.Fatalf("job: %s after %d attempts", ev.Job.State, ev.Job.Attempt)
	}
	// The record says which step failed: the check, not the start page.
	steps, err := f.store.ListSteps(t.Context(), f.tenant.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, st := range steps {
		if st.Failed {
			failed = append(failed, st.Action)
		}
	}
	if len(steps) < 2 || len(failed) != 1 || failed[0] != steps[len(steps)-1].Action || steps[0].Failed {
		t.Fatalf("failed steps %v of %+v", failed, steps)
	}
}

// TestInfrastructureFailureIsRetried: a browser that will not start costs
// an attempt, not a verdict; three failures record the error on the last
// attempt, and a browser that starts on the second attempt passes.
func TestInfrastructureFailureIsRetried(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	browsers := &fakeProvider{}
	browsers.failAcquire.Store(-1)
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	_, agents := f.run(j, f.test("Never starts", store.TestInput{Steps: []string{`expect title "Fake shop"`}}))
	start(t, j)
	ev := finished(t, done, 1, 60*time.Second)[0]
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusError || a.ErrorReason != "browser" || a.Attempt != 3 || browsers.acquires.Load() != 3 ||
		!strings.Contains(a.Summary, "after 3 attempts") {
		t.Fatalf("agent %+v after %d browsers", a, browsers.acquires.Load())
	}
	if ev.Job.State != rivertype.JobStateDiscarded || len(ev.Job.Errors) != 3 {
		t.Fatalf("job: %s with %d errors", ev.Job.State, len(ev.Job.Errors))
	}

	browsers.acquires.Store(0)
	browsers.failAcquire.Store(1)
	tt := f.test("Starts the second time", store.TestInput{Steps: []string{`expect title "Fake shop"`}})
	_, agents = f.run(j, tt)
	finished(t, done, 1, 60*time.Second)
	a = f.agent(agents[0].ID)
	if a.Status != store.StatusPassed || a.Attempt != 2 || browsers.acquires.Load() != 2 {
		t.Fatalf("agent %+v after %d browsers", a, browsers.acquires.Load())
	}
	steps, _ := f.store.ListSteps(ctx, f.tenant.ID, a.ID)
	if len(steps) == 0 || steps[0].Attempt != 2 {
		t.Fatalf("steps of the passing attempt: %+v", steps)
	}
}

// TestTestProblemsAreNotRetried: a missing secret or a goal-only test
// without a model is the test's problem: error at once, no retry.
func TestTestProblemsAreNotRetried(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	browsers := &fakeProvider{}
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	_, agents := f.run(j,
		f.test("Needs a secret", store.TestInput{Steps: []string{`type "{{secret.password}}" into "Password"`}}),
		f.test("Needs a model", store.TestInput{Goal: "buy something"}),
	)
	start(t, j)
	finished(t, done, 2, 30*time.Second)
	for i, want := range []string{"no secret of that name", "language model"} {
		a := f.agent(agents[i].ID)
		if a.Status != store.StatusError || a.Attempt != 1 || !strings.Contains(a.Summary, want) {
			t.Errorf("%s: %+v", a.TestName, a)
		}
	}
	if n := browsers.acquires.Load(); n != 0 {
		t.Errorf("%d browsers started for tests that cannot run", n)
	}
}

// TestUnreachableModelIsRetried: the model provider answers 503 (after
// the retry policy gave up; here it is set to no retries) — an error of
// the infrastructure, so the agent runs again as a new attempt, which the
// model answers.
func TestUnreachableModelIsRetried(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	srv := llmtest.NewOpenAI(t,
		scripted.Step{Error: &scripted.Failure{Status: 503}},
		toolCall("assert", map[string]any{"check": "text", "value": "Welcome to the fake shop"}),
		toolCall("finish", map[string]any{"verdict": "passed", "summary": "The shop is there."}),
	)
	model := openAIModel(t, srv)
	browsers := &fakeProvider{}
	j := f.newJobs(jobs.Config{Browser: browsers, Model: model, Agent: agent.Config{NoScreenshots: true}})
	done := subscribe(j)
	_, agents := f.run(j, f.test("Shop is up", store.TestInput{Goal: "Check the shop opens."}))
	start(t, j)
	ev := finished(t, done, 1, 60*time.Second)[0]
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusPassed || a.Attempt != 2 || ev.Job.Attempt != 2 || len(ev.Job.Errors) != 1 ||
		!strings.Contains(ev.Job.Errors[0].Error, "model") {
		t.Fatalf("agent %+v, job attempt %d, errors %+v", a, ev.Job.Attempt, ev.Job.Errors)
	}
	steps, _ := f.store.ListSteps(ctx, f.tenant.ID, a.ID)
	attempts := map[int]bool{}
	for _, st := range steps {
		attempts[st.Attempt] = true
	}
	if !attempts[1] || !attempts[2] {
		t.Fatalf("steps of both attempts should stay visible: %+v", steps)
	}
}

// TestRefusedStartURLEndsBeforeABrowserStarts: a project on an address
// the server's target policy refuses (here 127.0.0.2; the tests allow
// 127.0.0.1 only) ends its agents in error with the target_policy reason
// and the rule in words, without a browser and without a retry.
func TestRefusedStartURLEndsBeforeABrowserStarts(t *testing.T) {
	f := newFixture(t, "http://127.0.0.2:8080/")
	browsers := &fakeProvider{}
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	_, agents := f.run(j, f.test("Internal page", store.TestInput{Steps: []string{`expect text "internal"`}}))
	start(t, j)
	finished(t, done, 1, 30*time.Second)
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusError || a.ErrorReason != jobs.ReasonTargetPolicy || a.Attempt != 1 ||
		!strings.Contains(a.Summary, "127.0.0.2 is a loopback address") || !strings.Contains(a.Summary, "ARGUS_TARGET_ALLOW_CIDRS") {
		t.Errorf("agent = %+v", a)
	}
	if n := browsers.acquires.Load(); n != 0 {
		t.Errorf("%d browsers started for a refused start URL", n)
	}
}
