package llmtest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// Provider describes one model provider to RunConformance: how to start its
// fake server and how to make its model against that server.
type Provider struct {
	// Name is how llm.APIError names the provider, e.g. "openai".
	Name string
	// Server starts the provider's fake server replying with steps.
	Server func(t *testing.T, steps ...scripted.Step) *Server
	// Model makes the provider's model for srv, with the credential srv
	// expects.
	Model func(t *testing.T, srv *Server) llm.Model
}

// RunConformance checks, through the llm.Model interface only, what every
// provider must do the same way: text and tool calls with their usage and
// stop reasons; 429 answered after Retry-After, then success; a 400 failing
// at once with the provider's message; no retries inside the SDK; six 503s
// ending as llm.ErrUnavailable after the trust center's backoff (5 s, 10 s,
// 20 s, 40 s, 60 s); a stalled call cut at 120 s and retried. Each
// provider's own tests check its wire format on top.
func RunConformance(t *testing.T, p Provider) {
	t.Run("text and usage", func(t *testing.T) {
		srv := p.Server(t, scripted.Step{Text: "The page shows a login form.", Usage: llm.Usage{InputTokens: 1200, OutputTokens: 90}})
		resp, err := p.Model(t, srv).Generate(t.Context(), &llm.Request{System: "You are a QA agent.",
			Messages: []llm.Message{llm.User(llm.Text("What is on the page?"))}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Text != "The page shows a login form." || resp.StopReason != llm.StopEnd || len(resp.ToolCalls) != 0 {
			t.Errorf("response = %+v", resp)
		}
		if resp.Usage.InputTokens != 1200 || resp.Usage.OutputTokens != 90 {
			t.Errorf("usage = %+v, want 1200 in, 90 out", resp.Usage)
		}
	})
	t.Run("tool calls", func(t *testing.T) {
		srv := p.Server(t, scripted.Step{ToolCalls: []llm.ToolCall{{Name: "click", Args: json.RawMessage(`{"index":12}`)}}})
		resp, err := p.Model(t, srv).Generate(t.Context(), &llm.Request{
			Messages: []llm.Message{llm.User(llm.Text("Sign in."))},
			Tools: []llm.Tool{{Name: "click", Description: "Click an element by its index.",
				Parameters: json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"}},"required":["index"]}`)}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StopReason != llm.StopToolUse || len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Name != "click" ||
			resp.ToolCalls[0].ID == "" || !sameJSON(resp.ToolCalls[0].Args, `{"index":12}`) {
			t.Errorf("response = %+v", resp)
		}
	})
	t.Run("rate limit then success", func(t *testing.T) {
		srv := p.Server(t, scripted.Step{Error: &scripted.Failure{Status: 429, Message: "rate limited", RetryAfter: "7"}}, scripted.Step{Text: "ok"})
		clock := NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		resp, err := Retrying(t, p.Model(t, srv), clock).Generate(t.Context(), Ask("hi"))
		if err != nil || resp.Text != "ok" {
			t.Fatalf("Generate = %+v, %v", resp, err)
		}
		if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{7 * time.Second}) {
			t.Errorf("waits = %v, want [7s] from Retry-After", got)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("server saw %d requests, want 2: one per attempt, the SDK must not retry", n)
		}
	})
	t.Run("bad request fails at once", func(t *testing.T) {
		srv := p.Server(t, scripted.Step{Error: &scripted.Failure{Status: 400, Message: "the request is malformed"}})
		clock := NewClock(time.Now())
		_, err := Retrying(t, p.Model(t, srv), clock).Generate(t.Context(), Ask("hi"))
		var apiErr *llm.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Provider != p.Name || apiErr.Message != "the request is malformed" {
			t.Fatalf("err = %v, want an APIError 400 of %s with the server's message", err, p.Name)
		}
		if errors.Is(err, llm.ErrUnavailable) || llm.IsRetryable(err) || len(clock.Sleeps()) != 0 || len(srv.Requests()) != 1 {
			t.Errorf("a 400 must fail at once: err=%v waits=%v requests=%d", err, clock.Sleeps(), len(srv.Requests()))
		}
	})
	t.Run("the SDK does not retry", func(t *testing.T) {
		srv := p.Server(t, scripted.Step{Error: &scripted.Failure{Status: 500}}, scripted.Step{Text: "ok"})
		_, err := p.Model(t, srv).Generate(t.Context(), Ask("hi"))
		if !llm.IsRetryable(err) {
			t.Fatalf("err = %v, want a retryable 500", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("server saw %d requests, want exactly 1", n)
		}
	})
	t.Run("unavailable after six attempts", func(t *testing.T) {
		var steps []scripted.Step
		for range 6 {
			steps = append(steps, scripted.Step{Error: &scripted.Failure{Status: 503, Message: "overloaded"}})
		}
		srv := p.Server(t, steps...)
		clock := NewClock(time.Now())
		_, err := Retrying(t, p.Model(t, srv), clock).Generate(t.Context(), Ask("hi"))
		if !errors.Is(err, llm.ErrUnavailable) || !strings.Contains(err.Error(), "unreachable after 6 attempts") {
			t.Fatalf("err = %v, want ErrUnavailable after 6 attempts", err)
		}
		want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 60 * time.Second}
		if got := clock.Sleeps(); !slices.Equal(got, want) {
			t.Errorf("waits = %v, want %v", got, want)
		}
		if n := len(srv.Requests()); n != 6 {
			t.Errorf("server saw %d requests, want 6", n)
		}
	})
	t.Run("stalled call is cut and retried", func(t *testing.T) {
		srv := p.Server(t, scripted.Step{Stall: true}, scripted.Step{Text: "ok"})
		clock := NewClock(time.Now())
		m := Retrying(t, p.Model(t, srv), clock)
		type result struct {
			resp *llm.Response
			err  error
		}
		done := make(chan result, 1)
		go func() {
			resp, err := m.Generate(context.WithoutCancel(t.Context()), Ask("hi"))
			done <- result{resp, err}
		}()
		<-srv.Stalled()
		clock.Advance(llm.DefaultCallTimeout)
		r := <-done
		if r.err != nil || r.resp.Text != "ok" {
			t.Fatalf("Generate = %+v, %v", r.resp, r.err)
		}
		if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{5 * time.Second}) {
			t.Errorf("waits = %v, want [5s]", got)
		}
	})
}

// Retrying wraps m in llm.WithRetry on clock, with the jitter fixed at
// its middle, so a test knows each wait exactly.
func Retrying(t testing.TB, m llm.Model, clock *Clock) llm.Model {
	t.Helper()
	r, err := llm.WithRetry(m, llm.RetryConfig{Clock: clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Ask is a request of one user message saying text.
func Ask(text string) *llm.Request {
	return &llm.Request{Messages: []llm.Message{llm.User(llm.Text(text))}}
}

func sameJSON(a json.RawMessage, b string) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal([]byte(b), &y) == nil && equalJSON(x, y)
}

func equalJSON(x, y any) bool {
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return string(bx) == string(by)
}
