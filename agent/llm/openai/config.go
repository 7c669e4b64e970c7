package openai

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/argusqa/argus/agent/llm"
)

// DefaultBaseURL is OpenAI's own endpoint.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures a model on an OpenAI-compatible chat completions
// endpoint.
type Config struct {
	// Provider names the endpoint in Name() and errors: "openai",
	// "mistral", "ollama", ... Default "openai".
	Provider string
	// Model is the model id, e.g. "gpt-4.1". Required.
	Model string
	// BaseURL is the API root the SDK appends "chat/completions" to.
	// Default DefaultBaseURL.
	BaseURL string
	// APIKey is sent as a bearer token. Empty sends none, for endpoints
	// without authentication (Ollama, a local vLLM).
	APIKey string
	// AcceptImages sends image parts as image_url data URLs. Default false:
	// a text-only model would reject them; the images are replaced by
	// llm.ImageOmitted.
	AcceptImages bool
	// LegacyMaxTokens sends the output cap as max_tokens instead of
	// max_completion_tokens. OpenAI's reasoning models accept only the
	// latter; many compatible servers only the former. Default false.
	LegacyMaxTokens bool
	// Timeout bounds one HTTP exchange. Default llm.DefaultCallTimeout
	// (120 s).
	Timeout time.Duration
	// HTTPClient replaces the default client (sane dial, TLS and idle
	// timeouts, TLS 1.3). Its transport is wrapped to record response
	// status and headers.
	HTTPClient *http.Client
	// Logger receives debug logs. Default discards.
	Logger *slog.Logger
}

// WithDefaults fills in defaults.
func (c Config) WithDefaults() Config {
	if c.Provider == "" {
		c.Provider = "openai"
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Timeout == 0 {
		c.Timeout = llm.DefaultCallTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.Model == "" {
		errs = append(errs, errors.New("model is required (e.g. gpt-4.1)"))
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base URL %q must be an absolute http(s) URL such as %s", c.BaseURL, DefaultBaseURL))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}
