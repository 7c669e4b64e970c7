package provider_test

import (
	"testing"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/provider"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// Each provider's own stop reasons come back as the same llm.StopReason.
func TestStopReasonsMapBothWays(t *testing.T) {
	steps := []scripted.Step{
		{Text: "cut sh", StopReason: llm.StopMaxTokens},
		{Text: "I cannot help with that.", StopReason: llm.StopRefused},
		{Text: "odd", StopReason: llm.StopOther},
		{Text: "done"},
	}
	want := []struct {
		stop     llm.StopReason
		provider map[string]string
	}{
		{llm.StopMaxTokens, map[string]string{"openai": "length", "anthropic": "max_tokens", "gemini": "MAX_TOKENS"}},
		{llm.StopRefused, map[string]string{"openai": "content_filter", "anthropic": "refusal", "gemini": "SAFETY"}},
		{llm.StopOther, map[string]string{"openai": "insufficient_system_resource", "anthropic": "model_context_window_exceeded", "gemini": "MALFORMED_FUNCTION_CALL"}},
		{llm.StopEnd, map[string]string{"openai": "stop", "anthropic": "end_turn", "gemini": "STOP"}},
	}
	for _, wire := range []string{"openai", "anthropic", "gemini"} {
		t.Run(wire, func(t *testing.T) {
			var cfg provider.Config
			switch wire {
			case "openai":
				srv := llmtest.NewOpenAI(t, steps...)
				cfg = provider.Config{Provider: "openai", Model: "m", APIKey: llmtest.APIKey, BaseURL: srv.BaseURL()}
			case "anthropic":
				srv := llmtest.NewAnthropic(t, steps...)
				cfg = provider.Config{Provider: "anthropic", Model: "m", APIKey: llmtest.APIKey, BaseURL: srv.BaseURL()}
			case "gemini":
				srv := llmtest.NewGemini(t, steps...)
				cfg = provider.Config{Provider: "gemini", Model: "m", APIKey: llmtest.APIKey, BaseURL: srv.BaseURL()}
			}
			m, err := provider.New(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want {
				resp, err := m.Generate(t.Context(), &llm.Request{Messages: []llm.Message{llm.User(llm.Text("go"))}})
				if err != nil {
					t.Fatal(err)
				}
				if resp.StopReason != w.stop || resp.ProviderStopReason != w.provider[wire] || resp.Text != steps[i].Text {
					t.Errorf("step %d: stop %q (%q), text %q; want %q (%q), %q",
						i, resp.StopReason, resp.ProviderStopReason, resp.Text, w.stop, w.provider[wire], steps[i].Text)
				}
			}
		})
	}
}
