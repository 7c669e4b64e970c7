package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/auth"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/provider"
	"github.com/argusqa/argus/agent/llm/scripted"
)

type staticToken string

func (s staticToken) Token(context.Context) (*auth.Token, error) {
	return &auth.Token{Value: string(s), Type: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseModel(t *testing.T) {
	for spec, want := range map[string][2]string{
		"gemini:gemini-2.5-flash":    {"gemini", "gemini-2.5-flash"},
		" OpenAI:gpt-4.1 ":           {"openai", "gpt-4.1"},
		"ollama:qwen2.5:7b":          {"ollama", "qwen2.5:7b"},
		"scripted:testdata/run.json": {"scripted", "testdata/run.json"},
	} {
		p, m, err := provider.ParseModel(spec)
		if err != nil || p != want[0] || m != want[1] {
			t.Errorf("ParseModel(%q) = %q, %q, %v", spec, p, m, err)
		}
	}
	for _, spec := range []string{"", "gemini", "gemini:", ":gpt-4.1"} {
		if _, _, err := provider.ParseModel(spec); err == nil || !strings.Contains(err.Error(), "gemini:gemini-2.5-flash") {
			t.Errorf("ParseModel(%q) error = %v, want one showing a valid value", spec, err)
		}
	}
}

func TestFromEnvErrorsNameTheVariable(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want []string
	}{
		"unset":            {map[string]string{}, []string{"ARGUS_MODEL is not set", "openai:gpt-4.1"}},
		"unknown provider": {map[string]string{"ARGUS_MODEL": "bard:x"}, []string{`unknown provider "bard"`, "anthropic", "vertex"}},
		"gemini key":       {map[string]string{"ARGUS_MODEL": "gemini:gemini-2.5-flash"}, []string{"GEMINI_API_KEY", "AIza"}},
		"vertex project and location": {map[string]string{"ARGUS_MODEL": "vertex:gemini-2.5-flash"},
			[]string{"GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "europe-west1"}},
		"anthropic key": {map[string]string{"ARGUS_MODEL": "anthropic:claude-sonnet-4-5"}, []string{"ANTHROPIC_API_KEY", "sk-ant-"}},
		"openai key":    {map[string]string{"ARGUS_MODEL": "openai:gpt-4.1"}, []string{"OPENAI_API_KEY", "sk-"}},
		"groq key":      {map[string]string{"ARGUS_MODEL": "groq:llama-3.3-70b-versatile"}, []string{"GROQ_API_KEY", "gsk_"}},
		"vllm URL":      {map[string]string{"ARGUS_MODEL": "vllm:qwen"}, []string{"VLLM_BASE_URL", "http://"}},
		"vision flag":   {map[string]string{"ARGUS_MODEL": "ollama:llava", "ARGUS_MODEL_VISION": "sometimes"}, []string{"ARGUS_MODEL_VISION", "true or false"}},
	} {
		_, err := provider.FromEnv(env(tc.env))
		if err == nil {
			t.Errorf("%s: FromEnv succeeded", name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", name, err, w)
			}
		}
	}
}

func TestFromEnvReadsTheProvidersVariables(t *testing.T) {
	c, err := provider.FromEnv(env(map[string]string{
		"ARGUS_MODEL":            "vertex:gemini-2.5-pro",
		"GOOGLE_CLOUD_PROJECT":   "acme-qa",
		"GOOGLE_CLOUD_REGION":    "europe-west1",
		"OPENAI_API_KEY":         "sk-unrelated",
		"GOOGLE_VERTEX_BASE_URL": "http://127.0.0.1:9/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Provider != "vertex" || c.Model != "gemini-2.5-pro" || c.Project != "acme-qa" || c.Location != "europe-west1" ||
		c.APIKey != "" || c.BaseURL != "http://127.0.0.1:9/" || c.AcceptImages != nil {
		t.Errorf("config = %+v", c)
	}
	c, err = provider.FromEnv(env(map[string]string{
		"ARGUS_MODEL":    "gemini:gemini-2.5-flash",
		"GEMINI_API_KEY": "AIza-gemini",
		"GOOGLE_API_KEY": "AIza-google",
	}))
	if err != nil || c.APIKey != "AIza-google" {
		t.Errorf("GOOGLE_API_KEY should win as in the genai SDK: %+v, %v", c, err)
	}
	c, err = provider.FromEnv(env(map[string]string{"ARGUS_MODEL": "ollama:llava:13b", "ARGUS_MODEL_VISION": "true"}))
	if err != nil || c.Model != "llava:13b" || c.AcceptImages == nil || !*c.AcceptImages || c.APIKey != "" {
		t.Errorf("ollama config = %+v, %v", c, err)
	}
}

// conformance runs the same conversation through every provider, each built
// from environment variables and talking to its fake server through its
// real SDK.
func TestEveryProviderFromEnv(t *testing.T) {
	type setup struct {
		server          func(*testing.T, ...scripted.Step) *llmtest.Server
		env             func(baseURL string) map[string]string
		vision          bool
		legacyMax       bool
		keyless         bool
		chatCompletions bool
	}
	openaiLike := func(name, keyVar, baseVar string, vision, legacy bool) setup {
		return setup{
			server: func(t *testing.T, s ...scripted.Step) *llmtest.Server { return llmtest.NewOpenAI(t, s...) },
			env: func(u string) map[string]string {
				return map[string]string{"ARGUS_MODEL": name + ":test-model", keyVar: llmtest.APIKey, baseVar: u}
			},
			vision: vision, legacyMax: legacy, chatCompletions: true,
		}
	}
	cases := map[string]setup{
		"openai":   openaiLike("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL", true, false),
		"mistral":  openaiLike("mistral", "MISTRAL_API_KEY", "MISTRAL_BASE_URL", false, true),
		"xai":      openaiLike("xai", "XAI_API_KEY", "XAI_BASE_URL", false, true),
		"deepseek": openaiLike("deepseek", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL", false, true),
		"groq":     openaiLike("groq", "GROQ_API_KEY", "GROQ_BASE_URL", false, true),
		"cerebras": openaiLike("cerebras", "CEREBRAS_API_KEY", "CEREBRAS_BASE_URL", false, true),
		"vllm":     openaiLike("vllm", "VLLM_API_KEY", "VLLM_BASE_URL", false, true),
		"ollama": {
			server: func(t *testing.T, s ...scripted.Step) *llmtest.Server { return llmtest.NewOpenAI(t, s...) },
			env: func(u string) map[string]string {
				return map[string]string{"ARGUS_MODEL": "ollama:test-model", "OLLAMA_BASE_URL": u}
			},
			legacyMax: true, keyless: true, chatCompletions: true,
		},
		"anthropic": {
			server: func(t *testing.T, s ...scripted.Step) *llmtest.Server { return llmtest.NewAnthropic(t, s...) },
			env: func(u string) map[string]string {
				return map[string]string{"ARGUS_MODEL": "anthropic:test-model", "ANTHROPIC_API_KEY": llmtest.APIKey, "ANTHROPIC_BASE_URL": u}
			},
			vision: true,
		},
		"gemini": {
			server: func(t *testing.T, s ...scripted.Step) *llmtest.Server { return llmtest.NewGemini(t, s...) },
			env: func(u string) map[string]string {
				return map[string]string{"ARGUS_MODEL": "gemini:test-model", "GEMINI_API_KEY": llmtest.APIKey, "GOOGLE_GEMINI_BASE_URL": u}
			},
			vision: true,
		},
		"vertex": {
			server: func(t *testing.T, s ...scripted.Step) *llmtest.Server { return llmtest.NewGemini(t, s...) },
			env: func(u string) map[string]string {
				return map[string]string{"ARGUS_MODEL": "vertex:test-model", "GOOGLE_CLOUD_PROJECT": "acme", "GOOGLE_CLOUD_LOCATION": "europe-west1", "GOOGLE_VERTEX_BASE_URL": u}
			},
			vision: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := tc.server(t,
				scripted.Step{Error: &scripted.Failure{Status: 429, Message: "rate limited", RetryAfter: "7"}},
				scripted.Step{
					ToolCalls: []llm.ToolCall{{Name: "click", Args: json.RawMessage(`{"index":2}`)}},
					Usage:     llm.Usage{InputTokens: 1000, OutputTokens: 50},
				},
				scripted.Step{Text: "The form was sent.", Usage: llm.Usage{InputTokens: 1200, OutputTokens: 10}},
				scripted.Step{Error: &scripted.Failure{Status: 400, Message: "bad request"}},
			)
			if tc.keyless {
				srv.SetAPIKey("")
			}
			cfg, err := provider.FromEnv(env(tc.env(srv.BaseURL())))
			if err != nil {
				t.Fatal(err)
			}
			clock := llmtest.NewClock(time.Now())
			cfg.Retry = llm.RetryConfig{Clock: clock, Rand: func() float64 { return 0.5 }}
			if name == "vertex" {
				// Never let a test look for application default credentials.
				cfg.Credentials = auth.NewCredentials(&auth.CredentialsOptions{TokenProvider: staticToken(llmtest.AccessToken)})
			}
			m, err := provider.New(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name() != name+":test-model" || llm.AcceptsImages(m) != tc.vision {
				t.Errorf("Name()=%q AcceptsImages=%v, want vision %v", m.Name(), llm.AcceptsImages(m), tc.vision)
			}

			ctx := t.Context()
			req := &llm.Request{
				Messages:        []llm.Message{llm.User(llm.Text("Send the form."))},
				Tools:           []llm.Tool{{Name: "click", Parameters: json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"}}}`)}},
				MaxOutputTokens: 300,
			}
			first, err := m.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{7 * time.Second}) {
				t.Errorf("waits = %v, want the 7 s the server asked for", got)
			}
			if len(first.ToolCalls) != 1 || first.ToolCalls[0].Name != "click" || first.StopReason != llm.StopToolUse ||
				first.Usage != (llm.Usage{InputTokens: 1000, OutputTokens: 50}) {
				t.Fatalf("first = %+v", first)
			}
			req.Messages = append(req.Messages, first.Message(),
				llm.ToolResults(llm.ToolResult{CallID: first.ToolCalls[0].ID, Content: "clicked [2] 'Send'"}))
			second, err := m.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if second.Text != "The form was sent." || second.StopReason != llm.StopEnd {
				t.Errorf("second = %+v", second)
			}
			_, err = m.Generate(ctx, req)
			var apiErr *llm.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || errors.Is(err, llm.ErrUnavailable) {
				t.Errorf("third call err = %v, want the 400 unretried", err)
			}
			reqs := srv.Requests()
			if len(reqs) != 4 {
				t.Fatalf("server saw %d requests, want 4 (429, reply, reply, 400)", len(reqs))
			}
			h := reqs[0].Header
			if sent := h.Get("Authorization") + h.Get("X-Api-Key") + h.Get("X-Goog-Api-Key"); (sent == "") != tc.keyless {
				t.Errorf("credential headers %q, keyless %v", sent, tc.keyless)
			}
			if tc.chatCompletions {
				body, err := llmtest.DecodeOpenAI(reqs[1].Body)
				if err != nil {
					t.Fatal(err)
				}
				if tc.legacyMax != (body.MaxTokens != nil) || tc.legacyMax == (body.MaxCompletionTokens != nil) {
					t.Errorf("output cap field: max_tokens=%v max_completion_tokens=%v, legacy=%v", body.MaxTokens, body.MaxCompletionTokens, tc.legacyMax)
				}
			}
		})
	}
}

func TestScriptedFromEnvIsRetriedLikeAnyModel(t *testing.T) {
	cfg, err := provider.FromEnv(env(map[string]string{"ARGUS_MODEL": "scripted:../scripted/testdata/demo.json"}))
	if err != nil {
		t.Fatal(err)
	}
	clock := llmtest.NewClock(time.Now())
	cfg.Retry.Clock = clock
	m, err := provider.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	req := &llm.Request{Messages: []llm.Message{llm.User(llm.Text("Sign in."))}}
	first, err := m.Generate(t.Context(), req)
	if err != nil || first.ToolCalls[0].Name != "navigate" {
		t.Fatalf("first = %+v, %v", first, err)
	}
	req.Messages = append(req.Messages, first.Message(), llm.ToolResults(llm.ToolResult{CallID: first.ToolCalls[0].ID, Content: "ok"}))
	second, err := m.Generate(t.Context(), req) // the script's 429 is retried
	if err != nil || second.ToolCalls[0].ID != "call_type" {
		t.Fatalf("second = %+v, %v", second, err)
	}
	if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{2 * time.Second}) {
		t.Errorf("waits = %v", got)
	}
	if _, err := provider.New(t.Context(), provider.Config{Provider: "scripted", Model: "missing.json"}); err == nil {
		t.Error("a missing script file was accepted")
	}
}

func TestNamesListsEveryProvider(t *testing.T) {
	want := []string{"anthropic", "cerebras", "deepseek", "gemini", "groq", "mistral", "ollama", "openai", "scripted", "vertex", "vllm", "xai"}
	if got := provider.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v", got)
	}
}
