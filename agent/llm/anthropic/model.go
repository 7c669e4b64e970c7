// Package anthropic is the llm.Model for Anthropic's messages API through the
// official anthropic-sdk-go.
//
// Tool calls map to tool_use blocks and results to tool_result blocks (first
// in the following user turn, with is_error), images to base64 image blocks,
// usage to input/output tokens with cache reads and writes counted as input.
// Consecutive turns of the same wire role (tool results followed by a new
// observation) are merged into one user turn, as the API requires
// alternating roles. The SDK's own retries are off and it reads no
// environment variables or profile files: configuration comes only from
// [Config].
package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	sdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/internal/transport"
)

// Model is an llm.Model on the Anthropic messages API.
type Model struct {
	cfg Config
	svc sdk.MessageService
}

// New returns a model for cfg.
func New(cfg Config) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("anthropic model: %w", err)
	}
	// The service is built directly rather than through sdk.NewClient, which
	// would read ANTHROPIC_* variables and profile files.
	svc := sdk.NewMessageService(
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(cfg.APIKey),
		option.WithHTTPClient(transport.Wrap(cfg.HTTPClient, cfg.Timeout)),
		// One retry policy for every provider: llm.WithRetry's.
		option.WithMaxRetries(0),
		// An explicit timeout also stops the SDK from refusing
		// non-streaming calls with a large max_tokens.
		option.WithRequestTimeout(cfg.Timeout),
	)
	return &Model{cfg: cfg, svc: svc}, nil
}

func (m *Model) Name() string        { return "anthropic:" + m.cfg.Model }
func (m *Model) AcceptsImages() bool { return m.cfg.AcceptImages }

// Generate makes one messages call.
func (m *Model) Generate(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid request: %w", m.Name(), err)
	}
	params, err := m.params(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	ctx, ex := transport.Capture(ctx)
	msg, err := m.svc.New(ctx, params)
	if err != nil {
		if apiErr := ex.APIError("anthropic", err); apiErr != nil {
			apiErr.Message = errorMessage(err)
			return nil, apiErr
		}
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	m.cfg.Logger.DebugContext(ctx, "anthropic message", "model", m.Name(),
		"input_tokens", msg.Usage.InputTokens, "output_tokens", msg.Usage.OutputTokens)
	return response(msg), nil
}

// errorMessage extracts error.message from an Anthropic error body.
func errorMessage(err error) string {
	var ae *sdk.Error
	if !errors.As(err, &ae) {
		return ""
	}
	var body struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(ae.RawJSON()), &body) != nil {
		return ""
	}
	return body.Error.Message
}
