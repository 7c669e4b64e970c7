// Package provider builds the configured llm.Model: it parses
// ARGUS_MODEL=provider:model with the provider's key variables ([FromEnv]),
// constructs the provider's model, and wraps it in the one retry policy
// (llm.WithRetry) every model call goes through.
package provider

import (
	"context"
	"fmt"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/anthropic"
	"github.com/argusqa/argus/agent/llm/gemini"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// New builds the model cfg describes, wrapped in cfg.Retry. ctx bounds only
// the construction (Vertex AI may look up credentials), not later calls.
func New(ctx context.Context, cfg Config) (llm.Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m, err := build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return llm.WithRetry(m, cfg.Retry)
}

func build(ctx context.Context, cfg Config) (llm.Model, error) {
	timeout := cfg.Retry.CallTimeout
	switch cfg.Provider {
	case Gemini, Vertex:
		backend := gemini.GeminiAPI
		if cfg.Provider == Vertex {
			backend = gemini.VertexAI
		}
		return gemini.New(ctx, gemini.Config{
			Backend:      backend,
			Model:        cfg.Model,
			APIKey:       cfg.APIKey,
			Project:      cfg.Project,
			Location:     cfg.Location,
			Credentials:  cfg.Credentials,
			BaseURL:      cfg.BaseURL,
			AcceptImages: cfg.acceptImages(),
			Timeout:      timeout,
			HTTPClient:   cfg.HTTPClient,
			Logger:       cfg.Logger,
		})
	case Anthropic:
		return anthropic.New(anthropic.Config{
			Model:        cfg.Model,
			APIKey:       cfg.APIKey,
			BaseURL:      cfg.BaseURL,
			AcceptImages: cfg.acceptImages(),
			Timeout:      timeout,
			HTTPClient:   cfg.HTTPClient,
			Logger:       cfg.Logger,
		})
	case Scripted:
		return scripted.FromFile(cfg.Model, cfg.acceptImages())
	default:
		ep, ok := openAICompatible[cfg.Provider]
		if !ok {
			return nil, fmt.Errorf("unknown model provider %q (providers: %s)", cfg.Provider, namesList())
		}
		return openai.New(openai.Config{
			Provider:        cfg.Provider,
			Model:           cfg.Model,
			BaseURL:         cfg.BaseURL,
			APIKey:          cfg.APIKey,
			AcceptImages:    cfg.acceptImages(),
			LegacyMaxTokens: ep.legacyMaxTokens,
			Timeout:         timeout,
			HTTPClient:      cfg.HTTPClient,
			Logger:          cfg.Logger,
		})
	}
}
