//go:build chaos

package runner_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/demo"
	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

// TestChaosModel429EndsInError (make chaos): a model provider answering
// 429 to every call, reached over its real wire format with the real
// client, behind the product's retry policy on a simulated clock. The
// policy retries five times with growing backoff, then the agent ends in
// error with the model as the reason — never failed, which would blame
// the application.
func TestChaosModel429EndsInError(t *testing.T) {
	var steps []scripted.Step
	for range 6 {
		steps = append(steps, scripted.Step{Error: &scripted.Failure{Status: 429, Message: "rate limited"}})
	}
	srv := llmtest.NewOpenAI(t, steps...)
	client, err := openai.New(openai.Config{Model: "gpt-test", BaseURL: srv.BaseURL(), APIKey: llmtest.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	clock := llmtest.NewClock(time.Now())
	model, err := llm.WithRetry(client, llm.RetryConfig{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	browsers, err := local.New(local.Config{MaxSessions: 1})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	t.Cleanup(func() { _ = browsers.Close(context.Background()) })
	shop, err := app.Start(t.Context(), app.ServerConfig{App: app.Config{BcryptCost: 4}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shop.Shutdown(context.Background()) })
	tests, err := demo.LoadSuite()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tests, func(tc *suite.Test) bool { return tc.Name == "Find the price of the ergonomic mouse" })
	r, err := runner.New(runner.Config{Browser: browsers, BaseURL: shop.URL(), NoReplay: true, Parallel: 1,
		Agent: agent.Config{Model: model, NoScreenshots: true}})
	if err != nil {
		t.Fatal(err)
	}
	run := r.Run(t.Context(), tests[i:i+1])[0]

	if run.Status() != report.StatusError || run.Reason() != "model" {
		t.Fatalf("status %s (%s): %s; want error for the model", run.Status(), run.Reason(), run.Message())
	}
	if n := len(srv.Requests()); n != 6 {
		t.Errorf("%d calls reached the provider, want 1 + 5 retries", n)
	}
	waits := clock.Sleeps()
	if len(waits) != 5 {
		t.Fatalf("waits %v, want 5", waits)
	}
	// 5 s → 60 s, ×2, 0.3 jitter: each wait within 30 % of its step.
	for k, base := range []time.Duration{5, 10, 20, 40, 60} {
		base *= time.Second
		if waits[k] < base*7/10 || waits[k] > base*13/10 {
			t.Errorf("wait %d = %v, want %v ± 30 %%", k+1, waits[k], base)
		}
	}
	if !strings.Contains(run.Message(), "429") && !strings.Contains(strings.ToLower(run.Message()), "rate") {
		t.Errorf("the summary does not say what the model answered: %q", run.Message())
	}
	t.Logf("CHAOS model 429 ×6 → %s (%s) after waits %v: %s", run.Status(), run.Reason(), waits, run.Message())
}
