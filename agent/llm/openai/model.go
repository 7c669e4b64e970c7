// Package openai is the llm.Model for any OpenAI-compatible chat completions
// endpoint — OpenAI, Mistral, xAI, DeepSeek, Groq, Cerebras, Ollama, vLLM —
// through the official openai-go client with a configurable base URL.
//
// Tool calls map to chat completions tool_calls and "tool" role messages,
// images to image_url data URLs, usage to prompt_tokens/completion_tokens
// (cached and reasoning details included). The SDK's own retries are off and
// it reads no environment variables: configuration comes only from [Config].
package openai

import (
	"context"
	"errors"
	"fmt"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/internal/transport"
)

// Model is an llm.Model on a chat completions endpoint.
type Model struct {
	cfg Config
	svc oai.ChatCompletionService
}

// New returns a model for cfg.
func New(cfg Config) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s model: %w", cfg.Provider, err)
	}
	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithHTTPClient(transport.Wrap(cfg.HTTPClient, cfg.Timeout)),
		// One retry policy for every provider: llm.WithRetry's.
		option.WithMaxRetries(0),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
	}
	// The service is built directly rather than through oai.NewClient, which
	// would read OPENAI_* variables from the process environment.
	return &Model{cfg: cfg, svc: oai.NewChatCompletionService(opts...)}, nil
}

func (m *Model) Name() string        { return m.cfg.Provider + ":" + m.cfg.Model }
func (m *Model) AcceptsImages() bool { return m.cfg.AcceptImages }

// Generate makes one chat completions call.
func (m *Model) Generate(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid request: %w", m.Name(), err)
	}
	params, err := m.params(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	ctx, ex := transport.Capture(ctx)
	completion, err := m.svc.New(ctx, params)
	if err != nil {
		if apiErr := ex.APIError(m.cfg.Provider, err); apiErr != nil {
			var oe *oai.Error
			if errors.As(err, &oe) {
				apiErr.Message = oe.Message
			}
			return nil, apiErr
		}
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	m.cfg.Logger.DebugContext(ctx, "chat completion", "model", m.Name(),
		"input_tokens", completion.Usage.PromptTokens, "output_tokens", completion.Usage.CompletionTokens)
	return m.response(completion)
}
