package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/suite"
)

// sharedProvider starts browsers for all tests of this package.
var sharedProvider = sync.OnceValues(func() (browser.Provider, error) {
	return local.New(local.Config{})
})

// run carries out task in a fresh browser that is closed right after, so
// tests with several runs never hold more than one browser slot.
func run(t *testing.T, a *agent.Agent, task agent.Task, rec agent.Recorder) (*agent.Result, error) {
	t.Helper()
	s := newSession(t)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	}()
	return a.Run(t.Context(), s, task, rec)
}

// idleURL is the one page of fakeRun's session: a heading and a button
// that does nothing.
const idleURL = "http://app.test/idle"

// fakeRun carries out task in a fake browser showing idleURL, for tests
// about the agent loop rather than the browser.
func fakeRun(t *testing.T, a *agent.Agent, task agent.Task, rec agent.Recorder) (*agent.Result, error) {
	t.Helper()
	s := browsertest.NewFakeSession(map[string]browsertest.FakePage{
		idleURL: {Title: "Idle", Text: "Nothing happens here.\nNothing", Elements: []browser.Element{
			{Tag: "button", Role: "button", Name: "Nothing"},
		}},
	})
	return a.Run(t.Context(), s, task, rec)
}

func newSession(t *testing.T) browser.Session {
	t.Helper()
	p, err := sharedProvider()
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: t.Name()})
	if err != nil {
		t.Fatalf("acquire browser: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	return s
}

// openAIModel serves steps through a fake OpenAI server and the real
// openai-go client, with the retry wrapper the product uses.
func openAIModel(t *testing.T, steps ...scripted.Step) (llm.Model, *llmtest.Server) {
	t.Helper()
	srv := llmtest.NewOpenAI(t, steps...)
	m, err := openai.New(openai.Config{Model: "gpt-test", BaseURL: srv.BaseURL(), APIKey: llmtest.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	retrying, err := llm.WithRetry(m, llm.RetryConfig{MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return retrying, srv
}

func call(name string, args any) scripted.Step {
	raw, _ := json.Marshal(args)
	return scripted.Step{
		ToolCalls: []llm.ToolCall{{Name: name, Args: raw}},
		Usage:     llm.Usage{InputTokens: 1200, OutputTokens: 40},
	}
}

func thought(text string, s scripted.Step) scripted.Step {
	s.Text = text
	return s
}

// recorded collects every step, for assertions over the whole record.
type recorded struct {
	mu    sync.Mutex
	steps []agent.Step
}

func (r *recorded) RecordStep(_ context.Context, s agent.Step) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps = append(r.steps, s)
	return nil
}

func (r *recorded) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, s := range r.steps {
		args, _ := json.Marshal(s.Args)
		b.WriteString(s.Thought + "\n" + s.Action + "\n" + string(args) + "\n" + s.Outcome + "\n" + s.URL + "\n")
	}
	return b.String()
}

func loginTask(app *testApp) agent.Task {
	return agent.Task{
		Name: "Log in", BaseURL: app.URL, StartURL: app.URL + "/login",
		Goal:        "Log in as ada@example.com with the password secret and check the dashboard greets Ada.",
		Checkpoints: []string{"dashboard greets Ada"},
		Secrets:     map[string]string{"password": appPassword},
		Key:         "0123456789abcdef0123",
	}
}

// loginScript is what a good model does on the login page: indices are
// the page's interactive elements in document order.
func loginScript() []scripted.Step {
	return []scripted.Step{
		thought("I fill in the email first.", call("type", map[string]any{"index": 1, "text": appEmail})),
		call("type", map[string]any{"index": 2, "text": "{{secret.password}}"}),
		call("click", map[string]any{"index": 3}),
		call("assert", map[string]any{"check": "text", "value": "Welcome, Ada", "checkpoint": "dashboard greets Ada"}),
		call("finish", map[string]any{"verdict": "passed", "summary": "Logged in; the dashboard says Welcome, Ada."}),
	}
}

func newAgent(t *testing.T, m llm.Model, mod func(*agent.Config)) *agent.Agent {
	t.Helper()
	cfg := agent.Config{Model: m, ExpectTimeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	a, err := agent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestLoginPasses(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	model, srv := openAIModel(t, loginScript()...)
	var logs bytes.Buffer
	a := newAgent(t, model, func(c *agent.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	rec := &recorded{}
	res, err := run(t, a, loginTask(app), rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed {
		t.Fatalf("verdict %s (%s): %s\n%s", res.Verdict, res.Reason, res.Summary, rec.text())
	}
	if res.ModelCalls != 5 || res.Usage.Total() != 5*1240 || res.Mode != "model" {
		t.Errorf("model calls %d, tokens %d, mode %s", res.ModelCalls, res.Usage.Total(), res.Mode)
	}
	if len(res.Checkpoints) != 1 || !res.Checkpoints[0].Verified || res.Checkpoints[0].Step < 0 {
		t.Errorf("checkpoint not verified with evidence: %+v", res.Checkpoints)
	}
	if res.Replay == nil || len(res.Replay.Steps) != 4 { // 3 actions and the assert; the start page is implied
		t.Fatalf("replay: %+v", res.Replay)
	}

	// Steps: start, 3 actions, assert, finish — each with a screenshot and
	// the model's timings on the steps it chose.
	if len(rec.steps) != 6 {
		t.Fatalf("%d steps recorded:\n%s", len(rec.steps), rec.text())
	}
	for i, s := range rec.steps {
		if s.Index != i || len(s.Screenshot) < 100 || !bytes.HasPrefix(s.Screenshot, []byte("\x89PNG")) {
			t.Errorf("step %d: index %d, screenshot %d bytes", i, s.Index, len(s.Screenshot))
		}
	}
	if rec.steps[1].Thought != "I fill in the email first." || rec.steps[1].InputTokens != 1200 {
		t.Errorf("step 1 lacks the model's thought or usage: %+v", rec.steps[1])
	}
	if !strings.Contains(rec.steps[3].Outcome, `clicked button "Sign in"`) || !strings.Contains(rec.steps[3].Outcome, "/dashboard") {
		t.Errorf("click outcome is not short and factual: %q", rec.steps[3].Outcome)
	}

	// No secret value anywhere: records, result, logs, or what the model was sent.
	everything := rec.text() + res.Summary + logs.String()
	for _, r := range srv.Requests() {
		everything += string(r.Body)
	}
	replay, _ := agent.MarshalReplay(res.Replay)
	everything += string(replay)
	if strings.Contains(everything, appPassword) {
		t.Fatal("the secret value appears in a record, the logs, the replay or a model request")
	}
	if !strings.Contains(rec.text(), "{{secret.password}}") {
		t.Error("the record should show the placeholder that was typed")
	}
}

func TestBrokenPageFailsWithUsefulSummary(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	model, _ := openAIModel(t,
		call("click", map[string]any{"index": 2}),
		call("assert", map[string]any{"check": "text", "value": "Settings saved", "checkpoint": "confirmation shown"}),
		call("finish", map[string]any{"verdict": "failed", "summary": "Clicking Save on /settings shows no confirmation."}),
	)
	task := agent.Task{Name: "Save settings", BaseURL: app.URL, StartURL: app.URL + "/settings",
		Goal: "Change nothing and press Save; a confirmation must appear.", Checkpoints: []string{"confirmation shown"}, Key: "1123456789abcdef0123"}
	rec := &recorded{}
	res, err := run(t, newAgent(t, model, nil), task, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictFailed || res.Reason != "model_verdict" {
		t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
	for _, want := range []string{"shows no confirmation", "console error", "showSavedBanner", "failed request", "/api/settings", "500"} {
		if !strings.Contains(res.Summary, want) {
			t.Errorf("summary lacks %q: %s", want, res.Summary)
		}
	}
	if res.FailedStep != len(rec.steps)-1 || res.Replay != nil {
		t.Errorf("failed step %d of %d, replay %v", res.FailedStep, len(rec.steps), res.Replay)
	}
}

func TestExplicitStepsPassAndFail(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	steps := func(lines ...string) []suite.Step {
		var out []suite.Step
		for _, l := range lines {
			s, err := suite.ParseStep(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	a := newAgent(t, nil, nil)
	task := agent.Task{Name: "Login by steps", BaseURL: app.URL, StartURL: app.URL + "/login", Key: "2123456789abcdef0123",
		Secrets: map[string]string{"password": appPassword},
		Steps: steps(`type "ada@example.com" into "Email"`, `type "{{secret.password}}" into "Password"`,
			`click role button "Sign in"`, `expect url "/dashboard"`, `expect text "Welcome, Ada"`, `expect no console errors`)}
	rec := &recorded{}
	res, err := run(t, a, task, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed || res.ModelCalls != 0 || res.Mode != "steps" || len(rec.steps) != 7 {
		t.Fatalf("verdict %s (%s) mode %s, %d steps: %s\n%s", res.Verdict, res.Reason, res.Mode, len(rec.steps), res.Summary, rec.text())
	}
	if strings.Contains(rec.text(), appPassword) {
		t.Fatal("secret value in the record")
	}

	broken := agent.Task{Name: "Save settings by steps", BaseURL: app.URL, StartURL: app.URL + "/settings", Key: "3123456789abcdef0123",
		Steps: steps(`click "Save"`, `expect text "Settings saved"`)}
	rec = &recorded{}
	res, err = run(t, a, broken, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictFailed || res.Reason != "expectation" || res.FailedStep != 2 {
		t.Fatalf("broken page: verdict %s (%s) failed step %d: %s", res.Verdict, res.Reason, res.FailedStep, res.Summary)
	}
	for _, want := range []string{`step 2 (expect text "Settings saved") failed`, "does not show", "showSavedBanner", "/api/settings"} {
		if !strings.Contains(res.Summary, want) {
			t.Errorf("summary lacks %q: %s", want, res.Summary)
		}
	}

	missing := agent.Task{Name: "Missing button", BaseURL: app.URL, StartURL: app.URL + "/idle", Key: "4123456789abcdef0123",
		Steps: steps(`click "Publish"`)}
	res, _ = run(t, a, missing, agent.Discard)
	if res.Verdict != agent.VerdictFailed || res.Reason != "step" || !strings.Contains(res.Summary, "Publish") {
		t.Fatalf("missing element: verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
}

func TestIterationLimitEndsAsError(t *testing.T) {
	t.Parallel()
	var script []scripted.Step
	for range 10 {
		script = append(script, call("scroll", map[string]any{"direction": "down"}))
	}
	model, _ := openAIModel(t, script...)
	a := newAgent(t, model, func(c *agent.Config) { c.MaxIterations = 4; c.LoopRepeats = 100 })
	task := agent.Task{Name: "Wander", BaseURL: "http://app.test", StartURL: idleURL, Goal: "look around", Key: "5123456789abcdef0123"}
	res, err := fakeRun(t, a, task, agent.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictError || res.Reason != "iteration_limit" || res.Iterations != 4 || !strings.Contains(res.Summary, "4 iterations") {
		t.Fatalf("verdict %s (%s) after %d iterations: %s", res.Verdict, res.Reason, res.Iterations, res.Summary)
	}
}

func TestTokenLimitEndsAsError(t *testing.T) {
	t.Parallel()
	big := call("scroll", map[string]any{"direction": "down"})
	big.Usage = llm.Usage{InputTokens: 6000, OutputTokens: 100}
	model, _ := openAIModel(t, big, big, big, big)
	a := newAgent(t, model, func(c *agent.Config) { c.MaxTokens = 15000; c.LoopRepeats = 100 })
	task := agent.Task{Name: "Expensive", BaseURL: "http://app.test", StartURL: idleURL, Goal: "look around", Key: "6123456789abcdef0123"}
	rec := &recorded{}
	res, err := fakeRun(t, a, task, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictError || res.Reason != "token_limit" || res.Usage.Total() != 18300 || res.ModelCalls != 3 {
		t.Fatalf("verdict %s (%s), %d tokens in %d calls: %s", res.Verdict, res.Reason, res.Usage.Total(), res.ModelCalls, res.Summary)
	}
	if last := rec.steps[len(rec.steps)-1]; last.Action != "limit" || !last.Failed {
		t.Errorf("the limit is not recorded as the last step: %+v", last)
	}
}

func TestLoopIsDetected(t *testing.T) {
	t.Parallel()
	var script []scripted.Step
	for range 6 {
		script = append(script, call("click", map[string]any{"index": 1}))
	}
	model, srv := openAIModel(t, script...)
	rec := &recorded{}
	task := agent.Task{Name: "Stuck", BaseURL: "http://app.test", StartURL: idleURL, Goal: "make something happen", Key: "7123456789abcdef0123"}
	res, err := fakeRun(t, newAgent(t, model, nil), task, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictError || res.Reason != "loop" {
		t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
	// Two clicks run, the third is refused with a warning the model reads,
	// the fourth ends the run.
	if res.ModelCalls != 4 || srv.Remaining() != 2 {
		t.Fatalf("model calls %d, %d script steps left", res.ModelCalls, srv.Remaining())
	}
	warned := false
	for _, r := range srv.Requests() {
		if bytes.Contains(r.Body, []byte("It is not working; try something else")) {
			warned = true
		}
	}
	if !warned {
		t.Fatal("the model was never told it is looping")
	}
}

func TestPassWithoutEvidenceIsRefused(t *testing.T) {
	t.Parallel()
	model, srv := openAIModel(t,
		call("finish", map[string]any{"verdict": "passed", "summary": "Looks fine."}),
		call("finish", map[string]any{"verdict": "passed", "summary": "Really, it is fine."}),
	)
	task := agent.Task{Name: "Greeting", BaseURL: "http://app.test", StartURL: idleURL, Goal: "check the greeting",
		Checkpoints: []string{"greeting shown"}, Key: "8123456789abcdef0123"}
	res, err := fakeRun(t, newAgent(t, model, nil), task, agent.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictFailed || res.Reason != "unverified" || !strings.Contains(res.Summary, "greeting shown") {
		t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
	if !bytes.Contains(srv.Requests()[1].Body, []byte("Cannot pass yet")) {
		t.Fatal("the model was not told why its first pass was refused")
	}
}

func TestReplayPassesWithoutModelAndSelfHeals(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	model, _ := openAIModel(t, loginScript()...)
	first, err := run(t, newAgent(t, model, nil), loginTask(app), agent.Discard)
	if err != nil || first.Verdict != agent.VerdictPassed || first.Replay == nil {
		t.Fatalf("recording run: %v %+v", err, first)
	}
	data, err := agent.MarshalReplay(first.Replay)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := agent.UnmarshalReplay(data)
	if err != nil {
		t.Fatal(err)
	}

	// Replay with no model at all.
	task := loginTask(app)
	task.Replay = saved
	rec := &recorded{}
	res, err := run(t, newAgent(t, nil, nil), task, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed || res.ModelCalls != 0 || res.Mode != "replay" || !res.Checkpoints[0].Verified || res.Replay != nil {
		t.Fatalf("replay: verdict %s (%s) mode %s calls %d: %s\n%s", res.Verdict, res.Reason, res.Mode, res.ModelCalls, res.Summary, rec.text())
	}

	// A replay of another test version is ignored: without a model, the
	// test cannot run.
	stale := loginTask(app)
	stale.Replay, stale.Key = saved, "ffffffffffffffffffff"
	if _, err := run(t, newAgent(t, nil, nil), stale, agent.Discard); !errors.Is(err, agent.ErrNoModel) {
		t.Fatalf("stale replay without model: %v", err)
	}

	// The button is renamed: without a model the replay cannot tell...
	app.renamed.Store(true)
	res, _ = run(t, newAgent(t, nil, nil), task, agent.Discard)
	if res.Verdict != agent.VerdictError || res.Reason != "replay" || !strings.Contains(res.Summary, `button "Sign in"`) || !strings.Contains(res.Summary, "ARGUS_MODEL") {
		t.Fatalf("changed page without model: verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
	// ...with one, the model takes over where the replay stopped fitting.
	healer, srv := openAIModel(t,
		call("click", map[string]any{"index": 3}),
		call("assert", map[string]any{"check": "text", "value": "Welcome, Ada", "checkpoint": "dashboard greets Ada"}),
		call("finish", map[string]any{"verdict": "passed", "summary": "The sign-in button is now called Log in; login works."}),
	)
	res, err = run(t, newAgent(t, healer, nil), task, agent.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed || res.Mode != "replay+model" || res.ModelCalls != 3 || res.Replay == nil {
		t.Fatalf("self-heal: verdict %s (%s) mode %s calls %d: %s", res.Verdict, res.Reason, res.Mode, res.ModelCalls, res.Summary)
	}
	if !bytes.Contains(srv.Requests()[0].Body, []byte("no longer fits")) {
		t.Error("the model was not told where the replay stopped fitting")
	}
	// The rewritten replay runs without a model on the changed page.
	task.Replay = res.Replay
	res, _ = run(t, newAgent(t, nil, nil), task, agent.Discard)
	if res.Verdict != agent.VerdictPassed || res.ModelCalls != 0 {
		t.Fatalf("healed replay: verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
}

func TestGoalWithoutModel(t *testing.T) {
	a := newAgent(t, nil, nil)
	_, err := a.Run(t.Context(), nil, agent.Task{Name: "x", Goal: "do it", StartURL: "http://127.0.0.1/"}, nil)
	if !errors.Is(err, agent.ErrNoModel) || !strings.Contains(err.Error(), "ARGUS_MODEL") {
		t.Fatalf("goal-only test without model: %v", err)
	}
}

func TestCancelledRun(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	srv := llmtest.NewOpenAI(t, scripted.Step{Stall: true})
	m, err := openai.New(openai.Config{Model: "gpt-test", BaseURL: srv.BaseURL(), APIKey: llmtest.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-srv.Stalled()
		cancel()
	}()
	task := agent.Task{Name: "Slow model", BaseURL: app.URL, StartURL: app.URL + "/idle", Goal: "wait", Key: "9123456789abcdef0123"}
	res, err := newAgent(t, m, nil).Run(ctx, newSession(t), task, agent.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictCancelled {
		t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
}

// TestStepsWithGoalTakeOver: a test with explicit steps and a goal runs the
// steps; when an action no longer fits the page the model takes over from
// there and the healed run is saved as a replay, but a failed expectation
// is the verdict and is never handed to the model.
func TestStepsWithGoalTakeOver(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.renamed.Store(true) // the button the steps click is now "Log in"
	parse := func(lines ...string) []suite.Step {
		var out []suite.Step
		for _, l := range lines {
			s, err := suite.ParseStep(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	task := agent.Task{Name: "Login by steps with a goal", BaseURL: app.URL, StartURL: app.URL + "/login", Key: "5123456789abcdef0123",
		Goal:    "Log in as ada@example.com and check the dashboard greets Ada.",
		Secrets: map[string]string{"password": appPassword},
		Steps: parse(`type "ada@example.com" into "Email"`, `type "{{secret.password}}" into "Password"`,
			`click role button "Sign in"`, `expect text "Welcome, Ada"`)}

	// Without a model the renamed button fails the test, as before.
	res, err := run(t, newAgent(t, nil, nil), task, agent.Discard)
	if err != nil || res.Verdict != agent.VerdictFailed || res.Reason != "step" {
		t.Fatalf("without a model: %v %s (%s): %s", err, res.Verdict, res.Reason, res.Summary)
	}

	model, srv := openAIModel(t,
		call("click", map[string]any{"index": 3}),
		call("assert", map[string]any{"check": "text", "value": "Welcome, Ada"}),
		call("finish", map[string]any{"verdict": "passed", "summary": "The sign-in button is now called Log in; login works."}),
	)
	rec := &recorded{}
	res, err = run(t, newAgent(t, model, nil), task, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed || res.Mode != "steps+model" || res.ModelCalls != 3 || res.Replay == nil || res.FailedStep != -1 {
		t.Fatalf("take-over: %s (%s) mode %s calls %d failed step %d: %s\n%s", res.Verdict, res.Reason, res.Mode, res.ModelCalls, res.FailedStep, res.Summary, rec.text())
	}
	if !bytes.Contains(srv.Requests()[0].Body, []byte("no longer fit")) {
		t.Error("the model was not told which step stopped fitting")
	}
	if strings.Contains(rec.text(), appPassword) || bytes.Contains(srv.Requests()[0].Body, []byte(appPassword)) {
		t.Error("the secret value reached the record or the model")
	}
	// The healed run replays without a model.
	task.Replay = res.Replay
	res, _ = run(t, newAgent(t, nil, nil), task, agent.Discard)
	if res.Verdict != agent.VerdictPassed || res.Mode != "replay" || res.ModelCalls != 0 {
		t.Fatalf("healed replay: %s (%s) mode %s: %s", res.Verdict, res.Reason, res.Mode, res.Summary)
	}

	// A failed expectation is the verdict even with a model configured.
	idle, idleSrv := openAIModel(t)
	broken := agent.Task{Name: "Save settings", BaseURL: app.URL, StartURL: app.URL + "/settings", Key: "6123456789abcdef0123",
		Goal: "Save the settings and check they are saved.", Steps: parse(`click "Save"`, `expect text "Settings saved"`)}
	res, _ = run(t, newAgent(t, idle, nil), broken, agent.Discard)
	if res.Verdict != agent.VerdictFailed || res.Reason != "expectation" || res.ModelCalls != 0 || len(idleSrv.Requests()) != 0 {
		t.Fatalf("failed expectation: %s (%s) calls %d: %s", res.Verdict, res.Reason, res.ModelCalls, res.Summary)
	}
}

// failingRecorder records steps like recorded, but refuses the first one
// refuse says it should.
type failingRecorder struct {
	recorded
	refuse func(agent.Step) bool
}

func (r *failingRecorder) RecordStep(ctx context.Context, s agent.Step) error {
	if r.refuse(s) {
		return errors.New("disk full")
	}
	return r.recorded.RecordStep(ctx, s)
}

// Steps are written after the agent moved on (their screenshots are taken
// meanwhile), but a step the recorder refuses still ends the attempt as
// an error, also when it is the very last one, and every step written has
// its screenshot, in order, by the time Run returns.
func TestRecorderFailureEndsAsError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		refuse func(agent.Step) bool
		step   int
	}{
		{"a middle step", func(s agent.Step) bool { return s.Index == 1 }, 1},
		{"the last step", func(s agent.Step) bool { return s.Action == "finish" }, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			model, _ := openAIModel(t,
				call("scroll", map[string]any{"direction": "down"}),
				call("scroll", map[string]any{"direction": "up"}),
				call("finish", map[string]any{"verdict": "failed", "summary": "Nothing happens."}))
			a := newAgent(t, model, func(c *agent.Config) { c.LoopRepeats = 100 })
			task := agent.Task{Name: "Unrecorded", BaseURL: "http://app.test", StartURL: idleURL, Goal: "look around", Key: "7123456789abcdef0123"}
			rec := &failingRecorder{refuse: c.refuse}
			res, err := fakeRun(t, a, task, rec)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != agent.VerdictError || res.Reason != "recorder" || !strings.Contains(res.Summary, fmt.Sprintf("Could not record step %d: disk full", c.step)) {
				t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			last := -1
			for _, s := range rec.steps {
				if s.Index <= last || !bytes.HasPrefix(s.Screenshot, []byte("\x89PNG")) {
					t.Errorf("step %d after %d, screenshot %d bytes", s.Index, last, len(s.Screenshot))
				}
				last = s.Index
			}
			if len(rec.steps) == 0 {
				t.Error("no step written")
			}
		})
	}
}
