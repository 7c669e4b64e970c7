package provider

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"cloud.google.com/go/auth"

	"github.com/argusqa/argus/agent/llm"
)

// Config chooses and configures a model. [FromEnv] fills it from ARGUS_MODEL
// and the provider's variables; programs may also fill it directly.
type Config struct {
	// Provider is one of [Names]: gemini, vertex, anthropic, scripted, or an
	// OpenAI-compatible one (openai, mistral, xai, deepseek, groq, cerebras,
	// ollama, vllm). Required.
	Provider string
	// Model is the provider's model id (for scripted: the script file).
	// Required.
	Model string

	// APIKey authenticates on gemini, anthropic and the OpenAI-compatible
	// providers. Required except for vertex, scripted, ollama and vllm.
	APIKey string
	// BaseURL overrides the provider's endpoint. Required for vllm.
	BaseURL string

	// Project and Location select the Vertex AI project and region.
	// Required for vertex.
	Project, Location string
	// Credentials authenticate on Vertex AI. Default: application default
	// credentials.
	Credentials *auth.Credentials

	// AcceptImages overrides whether screenshots are sent to the model. Nil
	// keeps the provider's default: on for gemini, vertex, anthropic and
	// openai, whose current models all read images; off for the others,
	// whose text-only models would reject them.
	AcceptImages *bool

	// Retry is the retry policy every model is wrapped in; its zero value
	// is the trust center's (5 retries, 5 s → 60 s ×2, 0.3 jitter). Its
	// CallTimeout (default 120 s) also bounds each HTTP exchange.
	Retry llm.RetryConfig
	// HTTPClient replaces the providers' default HTTP client.
	HTTPClient *http.Client
	// Logger is handed to the provider and the retry policy. Default
	// discards.
	Logger *slog.Logger
}

// WithDefaults fills in defaults: the logger, the retry policy, and the base
// URL of providers that have a fixed one.
func (c Config) WithDefaults() Config {
	c.Provider = strings.ToLower(strings.TrimSpace(c.Provider))
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Retry.Logger == nil {
		c.Retry.Logger = c.Logger
	}
	c.Retry = c.Retry.WithDefaults()
	if ep, ok := openAICompatible[c.Provider]; ok && c.BaseURL == "" {
		c.BaseURL = ep.baseURL
	}
	return c
}

// acceptImages resolves AcceptImages against the provider's default.
func (c Config) acceptImages() bool {
	if c.AcceptImages != nil {
		return *c.AcceptImages
	}
	switch c.Provider {
	case Gemini, Vertex, Anthropic:
		return true
	}
	return openAICompatible[c.Provider].vision
}

// validate names the environment variable to set for each missing value,
// since that is how most deployments configure the model.
func (c Config) validate() error {
	spec := c.Provider + ":" + c.Model
	if c.Provider == "" {
		return fmt.Errorf("no model provider chosen: set ARGUS_MODEL=provider:model, e.g. gemini:gemini-2.5-flash or openai:gpt-4.1 (providers: %s)", namesList())
	}
	var errs []error
	if c.Model == "" {
		errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s names no model: write provider:model, e.g. %s:%s", spec, c.Provider, exampleModel(c.Provider)))
	}
	switch c.Provider {
	case Gemini:
		if c.APIKey == "" {
			errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s needs a Gemini API key: set GEMINI_API_KEY (or GOOGLE_API_KEY), e.g. \"AIza...\"", spec))
		}
	case Vertex:
		if c.Project == "" {
			errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s needs a Google Cloud project: set GOOGLE_CLOUD_PROJECT, e.g. my-project-123", spec))
		}
		if c.Location == "" {
			errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s needs a Vertex AI location: set GOOGLE_CLOUD_LOCATION, e.g. europe-west1 (or global)", spec))
		}
	case Anthropic:
		if c.APIKey == "" {
			errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s needs an Anthropic API key: set ANTHROPIC_API_KEY, e.g. \"sk-ant-...\"", spec))
		}
	case Scripted:
	default:
		ep, ok := openAICompatible[c.Provider]
		if !ok {
			return fmt.Errorf("ARGUS_MODEL=%s: unknown provider %q (providers: %s)", spec, c.Provider, namesList())
		}
		if ep.keyRequired && c.APIKey == "" {
			errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s needs an API key: set %s, e.g. %q", spec, ep.keyVar, ep.keyExample))
		}
		if c.BaseURL == "" {
			errs = append(errs, fmt.Errorf("ARGUS_MODEL=%s needs the server's base URL: set %s, e.g. http://127.0.0.1:8000/v1", spec, ep.baseURLVar))
		}
	}
	return errors.Join(errs...)
}

func exampleModel(provider string) string {
	switch provider {
	case Gemini, Vertex:
		return "gemini-2.5-flash"
	case Anthropic:
		return "claude-sonnet-4-5"
	case Scripted:
		return "testdata/demo.json"
	case "ollama":
		return "qwen2.5:7b"
	default:
		return "gpt-4.1"
	}
}
