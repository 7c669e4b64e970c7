// Package gemini is the llm.Model for Gemini through google.golang.org/genai,
// on the Gemini API (API key) or Vertex AI (project, location and OAuth
// credentials).
//
// Tool calls map to functionCall parts and results to functionResponse
// parts ({"output": ...} or {"error": ...}) in the following user turn;
// thought signatures travel back with the calls they came with, as Gemini 3
// requires; images become inline data; usage comes from usageMetadata, with
// thinking tokens counted as output and tool-use prompt tokens as input.
// The SDK's own retries and automatic continuation are off, and every
// setting it would otherwise read from the environment is given explicitly.
package gemini

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/auth/credentials"
	"cloud.google.com/go/auth/httptransport"
	"google.golang.org/genai"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/internal/transport"
)

// Model is an llm.Model on Gemini.
type Model struct {
	cfg    Config
	client *genai.Client
}

// New returns a model for cfg. On Vertex AI without explicit credentials it
// looks up application default credentials, which may read a file or ask
// the metadata server, so it takes a context.
func New(ctx context.Context, cfg Config) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s model: %w", cfg.Backend, err)
	}
	httpClient := transport.Wrap(cfg.HTTPClient, cfg.Timeout)
	attempts := int32(1) // one retry policy for every provider: llm.WithRetry's
	cc := &genai.ClientConfig{
		HTTPClient: httpClient,
		HTTPOptions: genai.HTTPOptions{
			BaseURL:      cfg.BaseURL,
			Headers:      http.Header{},
			RetryOptions: &genai.HTTPRetryOptions{Attempts: &attempts},
		},
	}
	switch cfg.Backend {
	case GeminiAPI:
		cc.Backend = genai.BackendGeminiAPI
		cc.APIKey = cfg.APIKey
	case VertexAI:
		cc.Backend = genai.BackendVertexAI
		cc.Project, cc.Location = cfg.Project, cfg.Location
		creds := cfg.Credentials
		if creds == nil {
			var err error
			creds, err = credentials.DetectDefault(&credentials.DetectOptions{
				Scopes: []string{"https://www.googleapis.com/auth/cloud-platform"},
			})
			if err != nil {
				return nil, fmt.Errorf("vertex model: application default credentials: %w (set GOOGLE_APPLICATION_CREDENTIALS or run `gcloud auth application-default login`)", err)
			}
		}
		quotaProject, err := creds.QuotaProjectID(ctx)
		if err != nil {
			return nil, fmt.Errorf("vertex model: quota project of the credentials: %w", err)
		}
		if quotaProject != "" {
			cc.HTTPOptions.Headers.Set("X-Goog-User-Project", quotaProject)
		}
		// The token is added below our recording transport, so every
		// request the SDK makes carries it.
		if err := httptransport.AddAuthorizationMiddleware(httpClient, creds); err != nil {
			return nil, fmt.Errorf("vertex model: %w", err)
		}
	}
	client, err := genai.NewClient(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("%s model: %w", cfg.Backend, err)
	}
	return &Model{cfg: cfg, client: client}, nil
}

func (m *Model) Name() string        { return string(m.cfg.Backend) + ":" + m.cfg.Model }
func (m *Model) AcceptsImages() bool { return m.cfg.AcceptImages }

// Generate makes one generateContent call.
func (m *Model) Generate(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid request: %w", m.Name(), err)
	}
	contents, config, err := m.request(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	ctx, ex := transport.Capture(ctx)
	resp, err := m.client.Models.GenerateContent(ctx, m.cfg.Model, contents, config)
	if err != nil {
		if apiErr := ex.APIError(string(m.cfg.Backend), err); apiErr != nil {
			var ge genai.APIError
			if errors.As(err, &ge) {
				apiErr.Message = ge.Message
				if hint, ok := retryInfo(ge.Details); ok {
					if !apiErr.RetryAfter.IsSet() { // a header, if any, wins
						apiErr.RetryAfter = llm.RetryIn(hint)
					}
				}
			}
			return nil, apiErr
		}
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	out := response(resp)
	m.cfg.Logger.DebugContext(ctx, "gemini generateContent", "model", m.Name(),
		"input_tokens", out.Usage.InputTokens, "output_tokens", out.Usage.OutputTokens)
	return out, nil
}

// retryInfo reads the delay of a google.rpc.RetryInfo error detail, which is
// how Google APIs say when to retry a 429.
func retryInfo(details []map[string]any) (time.Duration, bool) {
	for _, d := range details {
		if d["@type"] != "type.googleapis.com/google.rpc.RetryInfo" {
			continue
		}
		s, ok := d["retryDelay"].(string)
		if !ok {
			continue
		}
		// A protobuf Duration in JSON: decimal seconds with an "s" suffix.
		secs, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
		if err != nil || !strings.HasSuffix(s, "s") || secs < 0 || secs > 1e9 {
			continue
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	return 0, false
}
