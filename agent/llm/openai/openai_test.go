package openai_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
)

var clickTool = llm.Tool{
	Name:        "click",
	Description: "Click an element by its index.",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"}},"required":["index"]}`),
}

func newModel(t *testing.T, baseURL string, mutate ...func(*openai.Config)) *openai.Model {
	t.Helper()
	cfg := openai.Config{Model: "gpt-test", BaseURL: baseURL, APIKey: llmtest.APIKey}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := openai.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decode(t *testing.T, r llmtest.Request) *llmtest.OpenAIRequest {
	t.Helper()
	req, err := llmtest.DecodeOpenAI(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestTextReplyAndUsage(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{
		Text:  "The page shows a login form.",
		Usage: llm.Usage{InputTokens: 1200, OutputTokens: 90, CachedInputTokens: 1000, ReasoningTokens: 40},
	})
	m := newModel(t, srv.BaseURL())
	if m.Name() != "openai:gpt-test" {
		t.Errorf("Name() = %q", m.Name())
	}
	resp, err := m.Generate(t.Context(), &llm.Request{
		System:   "You are a QA agent.",
		Messages: []llm.Message{llm.User(llm.Text("What is on the page?"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "The page shows a login form." || resp.StopReason != llm.StopEnd || resp.ProviderStopReason != "stop" || len(resp.ToolCalls) != 0 {
		t.Errorf("response = %+v", resp)
	}
	if want := (llm.Usage{InputTokens: 1200, OutputTokens: 90, CachedInputTokens: 1000, ReasoningTokens: 40}); resp.Usage != want {
		t.Errorf("usage = %+v, want %+v", resp.Usage, want)
	}
	if resp.ModelVersion != "gpt-test" {
		t.Errorf("model version = %q", resp.ModelVersion)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(reqs))
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer "+llmtest.APIKey {
		t.Errorf("Authorization = %q", got)
	}
	body := decode(t, reqs[0])
	if body.Model != "gpt-test" || len(body.Messages) != 2 || len(body.Tools) != 0 {
		t.Fatalf("body = %s", reqs[0].Body)
	}
	if body.Messages[0].Role != "system" || body.Messages[0].Text() != "You are a QA agent." {
		t.Errorf("system message = %s", reqs[0].Body)
	}
	if body.Messages[1].Role != "user" || body.Messages[1].Text() != "What is on the page?" {
		t.Errorf("user message = %s", reqs[0].Body)
	}
}

func TestToolCallRoundTrip(t *testing.T) {
	srv := llmtest.NewOpenAI(t,
		scripted.Step{
			Text: "I will click the two buttons.",
			ToolCalls: []llm.ToolCall{
				{Name: "click", Args: json.RawMessage(`{"index":12}`)},
				{ID: "call_fixed", Name: "click", Args: json.RawMessage(`{"index":99}`)},
			},
			Usage: llm.Usage{InputTokens: 500, OutputTokens: 30},
		},
		scripted.Step{Text: "Signed in.", Usage: llm.Usage{InputTokens: 700, OutputTokens: 5}},
	)
	m := newModel(t, srv.BaseURL())
	ctx := t.Context()
	req := &llm.Request{
		Messages:        []llm.Message{llm.User(llm.Text("Sign in."))},
		Tools:           []llm.Tool{clickTool},
		ToolChoice:      llm.ToolChoiceRequired,
		MaxOutputTokens: 256,
	}
	first, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.StopReason != llm.StopToolUse || first.ProviderStopReason != "tool_calls" || len(first.ToolCalls) != 2 {
		t.Fatalf("first response = %+v", first)
	}
	c1, c2 := first.ToolCalls[0], first.ToolCalls[1]
	if c1.ID == "" || c1.Name != "click" || string(c1.Args) != `{"index":12}` {
		t.Errorf("first call = %+v", c1)
	}
	if c2.ID != "call_fixed" || string(c2.Args) != `{"index":99}` {
		t.Errorf("second call = %+v", c2)
	}

	req.Messages = append(req.Messages,
		first.Message(),
		llm.ToolResults(
			llm.ToolResult{CallID: c1.ID, Content: "clicked [12] 'Sign in'"},
			llm.ToolResult{CallID: c2.ID, Content: "element [99] not found", IsError: true},
		),
		llm.User(llm.Text("URL is now /dashboard.")),
	)
	second, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if second.Text != "Signed in." || second.StopReason != llm.StopEnd {
		t.Errorf("second response = %+v", second)
	}

	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(reqs))
	}
	b1 := decode(t, reqs[0])
	if len(b1.Tools) != 1 || b1.Tools[0].Type != "function" || b1.Tools[0].Function.Name != "click" ||
		b1.Tools[0].Function.Description != clickTool.Description {
		t.Errorf("tools = %s", reqs[0].Body)
	}
	var params map[string]any
	if err := json.Unmarshal(b1.Tools[0].Function.Parameters, &params); err != nil || params["type"] != "object" {
		t.Errorf("tool parameters = %s", b1.Tools[0].Function.Parameters)
	}
	if string(b1.ToolChoice) != `"required"` {
		t.Errorf("tool_choice = %s", b1.ToolChoice)
	}
	if b1.MaxCompletionTokens == nil || *b1.MaxCompletionTokens != 256 || b1.MaxTokens != nil {
		t.Errorf("output cap: max_completion_tokens=%v max_tokens=%v", b1.MaxCompletionTokens, b1.MaxTokens)
	}

	b2 := decode(t, reqs[1])
	roles := []string{}
	for _, msg := range b2.Messages {
		roles = append(roles, msg.Role)
	}
	if want := []string{"user", "assistant", "tool", "tool", "user"}; !slices.Equal(roles, want) {
		t.Fatalf("roles = %v, want %v", roles, want)
	}
	asst := b2.Messages[1]
	if asst.Text() != "I will click the two buttons." || len(asst.ToolCalls) != 2 {
		t.Fatalf("assistant message = %s", reqs[1].Body)
	}
	if asst.ToolCalls[0].ID != c1.ID || asst.ToolCalls[0].Function.Arguments != `{"index":12}` || asst.ToolCalls[1].ID != "call_fixed" {
		t.Errorf("assistant tool calls = %+v", asst.ToolCalls)
	}
	if b2.Messages[2].ToolCallID != c1.ID || b2.Messages[2].Text() != "clicked [12] 'Sign in'" {
		t.Errorf("first tool message = %+v", b2.Messages[2])
	}
	if b2.Messages[3].ToolCallID != "call_fixed" || b2.Messages[3].Text() != "Error: element [99] not found" {
		t.Errorf("error tool message = %+v", b2.Messages[3])
	}
}

func TestImagePartOnlyWithVision(t *testing.T) {
	png := llmtest.PNG()
	req := &llm.Request{Messages: []llm.Message{llm.User(llm.Text("Screenshot:"), llm.PNG(png))}}
	for _, vision := range []bool{true, false} {
		srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
		m := newModel(t, srv.BaseURL(), func(c *openai.Config) { c.AcceptImages = vision })
		if llm.AcceptsImages(m) != vision {
			t.Errorf("AcceptsImages = %v, want %v", llm.AcceptsImages(m), vision)
		}
		if _, err := m.Generate(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		parts, err := decode(t, srv.Requests()[0]).Messages[0].Parts()
		if err != nil || len(parts) != 2 {
			t.Fatalf("vision=%v: parts = %+v, %v", vision, parts, err)
		}
		if vision {
			want := "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
			if parts[1].Type != "image_url" || parts[1].ImageURL == nil || parts[1].ImageURL.URL != want {
				t.Errorf("image part = %+v", parts[1])
			}
		} else if parts[1].Type != "text" || parts[1].Text != llm.ImageOmitted {
			t.Errorf("without vision the image must become a note, got %+v", parts[1])
		}
	}
}

func TestLegacyMaxTokensAndTemperature(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
	m := newModel(t, srv.BaseURL(), func(c *openai.Config) { c.LegacyMaxTokens = true })
	temp := 0.2
	req := llmtest.Ask("hi")
	req.MaxOutputTokens, req.Temperature = 100, &temp
	if _, err := m.Generate(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	b := decode(t, srv.Requests()[0])
	if b.MaxTokens == nil || *b.MaxTokens != 100 || b.MaxCompletionTokens != nil {
		t.Errorf("max_tokens=%v max_completion_tokens=%v", b.MaxTokens, b.MaxCompletionTokens)
	}
	if b.Temperature == nil || *b.Temperature != 0.2 {
		t.Errorf("temperature = %v", b.Temperature)
	}
}

func TestConformance(t *testing.T) {
	llmtest.RunConformance(t, llmtest.Provider{
		Name:   "openai",
		Server: func(t *testing.T, steps ...scripted.Step) *llmtest.Server { return llmtest.NewOpenAI(t, steps...) },
		Model:  func(t *testing.T, srv *llmtest.Server) llm.Model { return newModel(t, srv.BaseURL()) },
	})
}

// The SDK is told not to retry (X-Stainless-Retry-Count stays 0): the one
// retry policy is llm.WithRetry's.
func TestSDKRetriesOff(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{Error: &scripted.Failure{Status: 429, RetryAfter: "7"}}, scripted.Step{Text: "ok"})
	m := llmtest.Retrying(t, newModel(t, srv.BaseURL()), llmtest.NewClock(time.Now()))
	if _, err := m.Generate(t.Context(), llmtest.Ask("hi")); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if got := r.Header.Get("X-Stainless-Retry-Count"); got != "0" {
			t.Errorf("X-Stainless-Retry-Count = %q, want 0", got)
		}
	}
}

func TestUndecodableErrorBodyKeepsStatus(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
	}))
	defer proxy.Close()
	m := newModel(t, proxy.URL+"/v1")
	_, err := m.Generate(t.Context(), llmtest.Ask("hi"))
	var apiErr *llm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || !llm.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable APIError 502", err)
	}
	if d, ok := apiErr.RetryAfter.Wait(time.Now()); !ok || d != 3*time.Second {
		t.Errorf("retry after = %v, %v; want 3s", d, ok)
	}
}

func TestConnectionRefusedIsRetryable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m := newModel(t, "http://"+addr+"/v1")
	_, err = m.Generate(t.Context(), llmtest.Ask("hi"))
	if err == nil || !llm.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable connection error", err)
	}
}

func TestNoKeyForKeylessEndpoints(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
	srv.SetAPIKey("")
	m := newModel(t, srv.BaseURL(), func(c *openai.Config) { c.Provider, c.APIKey = "ollama", "" })
	if m.Name() != "ollama:gpt-test" {
		t.Errorf("Name() = %q", m.Name())
	}
	if _, err := m.Generate(t.Context(), llmtest.Ask("hi")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
}

func TestEnvironmentIsNotRead(t *testing.T) {
	trap := llmtest.NewOpenAI(t) // what the environment points at; must see nothing
	t.Setenv("OPENAI_API_KEY", "sk-from-environment")
	t.Setenv("OPENAI_BASE_URL", trap.BaseURL())
	srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
	m := newModel(t, srv.BaseURL())
	if _, err := m.Generate(t.Context(), llmtest.Ask("hi")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != "Bearer "+llmtest.APIKey {
		t.Errorf("Authorization = %q: configuration must come from Config only", got)
	}
	if n := len(trap.Requests()); n != 0 {
		t.Errorf("the base URL from the environment got %d requests", n)
	}
}

func TestWrongKeyIsPermanent(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
	m := newModel(t, srv.BaseURL(), func(c *openai.Config) { c.APIKey = "sk-wrong" })
	_, err := m.Generate(t.Context(), llmtest.Ask("hi"))
	var apiErr *llm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || llm.IsRetryable(err) {
		t.Fatalf("err = %v, want a non-retryable 401", err)
	}
}

func TestInvalidRequestFailsBeforeSending(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
	m := newModel(t, srv.BaseURL())
	_, err := m.Generate(t.Context(), &llm.Request{Messages: []llm.Message{
		llm.User(llm.Text("hi")),
		llm.ToolResults(llm.ToolResult{CallID: "nope", Content: "x"}),
	}})
	if err == nil || !strings.Contains(err.Error(), "tool results must follow an assistant message") {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]openai.Config{
		"no model":     {BaseURL: "https://api.openai.com/v1"},
		"relative URL": {Model: "m", BaseURL: "api.openai.com/v1"},
		"bad scheme":   {Model: "m", BaseURL: "ftp://example.com/v1"},
	} {
		if _, err := openai.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
