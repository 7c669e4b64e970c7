package anthropic

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/argusqa/argus/agent/llm"
)

// Defaults.
const (
	DefaultBaseURL = "https://api.anthropic.com"
	// DefaultMaxOutputTokens is sent as max_tokens, which the messages API
	// requires, when a request sets no cap. An agent step (a thought and a
	// tool call) needs far less.
	DefaultMaxOutputTokens = 4096
)

// Config configures an Anthropic model.
type Config struct {
	// Model is the model id, e.g. "claude-sonnet-4-5". Required.
	Model string
	// APIKey is sent as x-api-key. Required.
	APIKey string
	// BaseURL is the API root. Default DefaultBaseURL.
	BaseURL string
	// AcceptImages sends image parts as base64 image blocks. Default false;
	// the provider factory turns it on, as every current Claude model reads
	// images.
	AcceptImages bool
	// MaxOutputTokens is max_tokens for requests that set no cap. Default
	// DefaultMaxOutputTokens.
	MaxOutputTokens int
	// Timeout bounds one HTTP exchange. Default llm.DefaultCallTimeout
	// (120 s).
	Timeout time.Duration
	// HTTPClient replaces the default client. Its transport is wrapped to
	// record response status and headers.
	HTTPClient *http.Client
	// Logger receives debug logs. Default discards.
	Logger *slog.Logger
}

// WithDefaults fills in defaults.
func (c Config) WithDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.MaxOutputTokens == 0 {
		c.MaxOutputTokens = DefaultMaxOutputTokens
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
		errs = append(errs, errors.New("model is required (e.g. claude-sonnet-4-5)"))
	}
	if c.APIKey == "" {
		errs = append(errs, errors.New("API key is required (ANTHROPIC_API_KEY, e.g. \"sk-ant-...\")"))
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base URL %q must be an absolute http(s) URL such as %s", c.BaseURL, DefaultBaseURL))
	}
	if c.MaxOutputTokens < 0 {
		errs = append(errs, fmt.Errorf("max output tokens %d is negative", c.MaxOutputTokens))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}
