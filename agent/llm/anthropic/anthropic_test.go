package anthropic_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/anthropic"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

var typeTool = llm.Tool{
	Name:        "type_text",
	Description: "Type text into an element.",
	Parameters: json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"},"text":{"type":"string"}},` +
		`"required":["index","text"],"additionalProperties":false}`),
}

func newModel(t *testing.T, srv *llmtest.Server, mutate ...func(*anthropic.Config)) *anthropic.Model {
	t.Helper()
	cfg := anthropic.Config{Model: "claude-test", APIKey: llmtest.APIKey, BaseURL: srv.BaseURL()}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := anthropic.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decode(t *testing.T, r llmtest.Request) *llmtest.AnthropicRequest {
	t.Helper()
	req, err := llmtest.DecodeAnthropic(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func blocks(t *testing.T, m llmtest.AnthropicMessage) []llmtest.AnthropicBlock {
	t.Helper()
	b, err := m.Blocks()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTextReplyAndUsage(t *testing.T) {
	srv := llmtest.NewAnthropic(t, scripted.Step{
		Text:  "A login form.",
		Usage: llm.Usage{InputTokens: 3000, OutputTokens: 120, CachedInputTokens: 2048, ReasoningTokens: 70},
	})
	m := newModel(t, srv)
	if m.Name() != "anthropic:claude-test" {
		t.Errorf("Name() = %q", m.Name())
	}
	resp, err := m.Generate(t.Context(), &llm.Request{
		System:   "You are a QA agent.",
		Messages: []llm.Message{llm.User(llm.Text("What is on the page?"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "A login form." || resp.StopReason != llm.StopEnd || resp.ProviderStopReason != "end_turn" || resp.ModelVersion != "claude-test" {
		t.Errorf("response = %+v", resp)
	}
	if want := (llm.Usage{InputTokens: 3000, OutputTokens: 120, CachedInputTokens: 2048, ReasoningTokens: 70}); resp.Usage != want {
		t.Errorf("usage = %+v, want %+v", resp.Usage, want)
	}
	r := srv.Requests()[0]
	if r.Header.Get("X-Api-Key") != llmtest.APIKey || r.Header.Get("Anthropic-Version") == "" {
		t.Errorf("headers = %v", r.Header)
	}
	body := decode(t, r)
	if body.Model != "claude-test" || body.MaxTokens != anthropic.DefaultMaxOutputTokens || body.SystemText() != "You are a QA agent." {
		t.Errorf("body = %s", r.Body)
	}
	if len(body.Messages) != 1 || body.Messages[0].Role != "user" {
		t.Fatalf("messages = %s", r.Body)
	}
	if b := blocks(t, body.Messages[0]); len(b) != 1 || b[0].Type != "text" || b[0].Text != "What is on the page?" {
		t.Errorf("user blocks = %+v", b)
	}
}

func TestToolCallRoundTrip(t *testing.T) {
	srv := llmtest.NewAnthropic(t,
		scripted.Step{
			Text: "Typing the e-mail address.",
			ToolCalls: []llm.ToolCall{
				{Name: "type_text", Args: json.RawMessage(`{"index":3,"text":"{{secret.email}}"}`)},
				{Name: "type_text", Args: json.RawMessage(`{"index":4,"text":"x"}`)},
			},
		},
		scripted.Step{Text: "Done."},
	)
	m := newModel(t, srv)
	ctx := t.Context()
	req := &llm.Request{
		Messages:        []llm.Message{llm.User(llm.Text("Fill the form."))},
		Tools:           []llm.Tool{typeTool},
		ToolChoice:      llm.ToolChoiceRequired,
		MaxOutputTokens: 512,
	}
	first, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.StopReason != llm.StopToolUse || first.ProviderStopReason != "tool_use" || len(first.ToolCalls) != 2 {
		t.Fatalf("first = %+v", first)
	}
	c1, c2 := first.ToolCalls[0], first.ToolCalls[1]
	if !strings.HasPrefix(c1.ID, "toolu_") || c1.Name != "type_text" || string(c1.Args) != `{"index":3,"text":"{{secret.email}}"}` {
		t.Errorf("first call = %+v (%s)", c1, c1.Args)
	}
	req.Messages = append(req.Messages,
		first.Message(),
		llm.ToolResults(
			llm.ToolResult{CallID: c1.ID, Content: "typed into [3]"},
			llm.ToolResult{CallID: c2.ID, Content: "element [4] is disabled", IsError: true},
		),
		llm.User(llm.Text("The form now shows the address.")),
	)
	second, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if second.Text != "Done." {
		t.Errorf("second = %+v", second)
	}

	reqs := srv.Requests()
	b1 := decode(t, reqs[0])
	if len(b1.Tools) != 1 || b1.Tools[0].Name != "type_text" || b1.Tools[0].Description != typeTool.Description {
		t.Errorf("tools = %s", reqs[0].Body)
	}
	var schema map[string]any
	if err := json.Unmarshal(b1.Tools[0].InputSchema, &schema); err != nil {
		t.Fatal(err)
	}
	if schema["type"] != "object" || schema["additionalProperties"] != false || len(schema["required"].([]any)) != 2 {
		t.Errorf("input_schema = %s", b1.Tools[0].InputSchema)
	}
	if b1.ToolChoice == nil || b1.ToolChoice.Type != "any" || b1.MaxTokens != 512 {
		t.Errorf("tool_choice = %+v, max_tokens = %d", b1.ToolChoice, b1.MaxTokens)
	}

	// The tool results and the new observation form one user turn, results
	// first, because the API wants alternating roles.
	b2 := decode(t, reqs[1])
	if len(b2.Messages) != 3 || b2.Messages[1].Role != "assistant" || b2.Messages[2].Role != "user" {
		t.Fatalf("messages = %s", reqs[1].Body)
	}
	asst := blocks(t, b2.Messages[1])
	if len(asst) != 3 || asst[0].Type != "text" || asst[1].Type != "tool_use" || asst[1].ID != c1.ID ||
		string(asst[1].Input) != `{"index":3,"text":"{{secret.email}}"}` || asst[2].ID != c2.ID {
		t.Errorf("assistant blocks = %s", reqs[1].Body)
	}
	user := blocks(t, b2.Messages[2])
	if len(user) != 3 {
		t.Fatalf("user blocks = %s", reqs[1].Body)
	}
	if user[0].Type != "tool_result" || user[0].ToolUseID != c1.ID || user[0].ResultText() != "typed into [3]" || user[0].IsError {
		t.Errorf("first result = %+v", user[0])
	}
	if user[1].Type != "tool_result" || user[1].ToolUseID != c2.ID || !user[1].IsError || user[1].ResultText() != "element [4] is disabled" {
		t.Errorf("error result = %+v", user[1])
	}
	if user[2].Type != "text" || user[2].Text != "The form now shows the address." {
		t.Errorf("observation = %+v", user[2])
	}
}

func TestImagePartOnlyWithVision(t *testing.T) {
	png := llmtest.PNG()
	req := &llm.Request{Messages: []llm.Message{llm.User(llm.Text("Screenshot:"), llm.PNG(png))}}
	for _, vision := range []bool{true, false} {
		srv := llmtest.NewAnthropic(t, scripted.Step{Text: "ok"})
		m := newModel(t, srv, func(c *anthropic.Config) { c.AcceptImages = vision })
		if _, err := m.Generate(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		b := blocks(t, decode(t, srv.Requests()[0]).Messages[0])
		if len(b) != 2 {
			t.Fatalf("blocks = %+v", b)
		}
		if vision {
			if b[1].Type != "image" || b[1].Source == nil || b[1].Source.MediaType != "image/png" ||
				b[1].Source.Data != base64.StdEncoding.EncodeToString(png) {
				t.Errorf("image block = %+v", b[1])
			}
		} else if b[1].Type != "text" || b[1].Text != llm.ImageOmitted {
			t.Errorf("without vision the image must become a note, got %+v", b[1])
		}
	}
}

func TestTemperatureAboveOneRejected(t *testing.T) {
	srv := llmtest.NewAnthropic(t, scripted.Step{Text: "ok"})
	m := newModel(t, srv)
	temp := 1.5
	req := llmtest.Ask("hi")
	req.Temperature = &temp
	if _, err := m.Generate(t.Context(), req); err == nil || !strings.Contains(err.Error(), "temperature") {
		t.Fatalf("err = %v", err)
	}
	if len(srv.Requests()) != 0 {
		t.Error("request was sent")
	}
}

func TestConformance(t *testing.T) {
	llmtest.RunConformance(t, llmtest.Provider{
		Name:   "anthropic",
		Server: func(t *testing.T, steps ...scripted.Step) *llmtest.Server { return llmtest.NewAnthropic(t, steps...) },
		Model:  func(t *testing.T, srv *llmtest.Server) llm.Model { return newModel(t, srv) },
	})
}

// Anthropic's own 529 Overloaded is retried like a 503.
func TestOverloadedIsRetried(t *testing.T) {
	srv := llmtest.NewAnthropic(t,
		scripted.Step{Error: &scripted.Failure{Status: 429, Message: "rate limited", RetryAfter: "12"}},
		scripted.Step{Error: &scripted.Failure{Status: 529, Message: "Overloaded"}},
		scripted.Step{Text: "ok"},
	)
	clock := llmtest.NewClock(time.Now())
	m := llmtest.Retrying(t, newModel(t, srv), clock)
	resp, err := m.Generate(t.Context(), llmtest.Ask("hi"))
	if err != nil || resp.Text != "ok" {
		t.Fatalf("Generate = %+v, %v", resp, err)
	}
	// Retry-After 12 s for the 429, then the computed 10 s after the second failure.
	if got, want := clock.Sleeps(), []time.Duration{12 * time.Second, 10 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("server saw %d requests, want 3 (the SDK must not retry)", n)
	}
}

func TestEnvironmentIsNotRead(t *testing.T) {
	trap := llmtest.NewAnthropic(t) // what the environment points at; must see nothing
	t.Setenv("ANTHROPIC_API_KEY", "sk-ant-from-environment")
	t.Setenv("ANTHROPIC_BASE_URL", trap.BaseURL())
	srv := llmtest.NewAnthropic(t, scripted.Step{Text: "ok"})
	if _, err := newModel(t, srv).Generate(t.Context(), llmtest.Ask("hi")); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("X-Api-Key"); got != llmtest.APIKey {
		t.Errorf("x-api-key = %q", got)
	}
	if n := len(trap.Requests()); n != 0 {
		t.Errorf("the base URL from the environment got %d requests", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]anthropic.Config{
		"no model": {APIKey: "k"},
		"no key":   {Model: "m"},
		"bad URL":  {Model: "m", APIKey: "k", BaseURL: "not a url"},
	} {
		if _, err := anthropic.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
