package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"
)

// The retry policy promised in the trust center ("LLM Resilience").
const (
	DefaultMaxRetries     = 5
	DefaultInitialBackoff = 5 * time.Second
	DefaultMaxBackoff     = 60 * time.Second
	DefaultMultiplier     = 2.0
	DefaultJitter         = 0.3
	DefaultCallTimeout    = 120 * time.Second
)

// RetryConfig is the retry policy of [WithRetry]. The zero value is the
// policy of the trust center.
type RetryConfig struct {
	// MaxRetries is how many times a failed call is tried again, so a call
	// makes at most MaxRetries+1 attempts. Default 5. Negative disables
	// retries.
	MaxRetries int
	// InitialBackoff is the wait after the first failure. Default 5 s.
	InitialBackoff time.Duration
	// MaxBackoff caps every computed wait, jitter included. Default 60 s.
	MaxBackoff time.Duration
	// Multiplier grows the wait after each further failure. Default 2.0;
	// must be at least 1.
	Multiplier float64
	// Jitter spreads each wait uniformly over ±Jitter of itself, so agents
	// that failed together do not retry together. Default 0.3; must be
	// below 1; negative disables jitter.
	Jitter float64
	// CallTimeout bounds each attempt; an attempt that runs out is retried.
	// Default 120 s.
	CallTimeout time.Duration
	// MaxRetryAfter caps a server's Retry-After hint, which otherwise
	// replaces the computed wait: a server asking for minutes must not park
	// an agent past its own deadline. Default MaxBackoff (60 s), so no
	// single wait exceeds the trust center's maximum.
	MaxRetryAfter time.Duration
	// Clock is the time source for waits and timeouts. Default the system
	// clock; tests pass llmtest.Clock.
	Clock Clock
	// Rand returns a uniform number in [0, 1) for jitter. Default
	// math/rand/v2.Float64.
	Rand func() float64
	// Logger receives one warning per retry. Default discards.
	Logger *slog.Logger
}

// WithDefaults returns c with every zero field set to its default.
func (c RetryConfig) WithDefaults() RetryConfig {
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.InitialBackoff == 0 {
		c.InitialBackoff = DefaultInitialBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.Multiplier == 0 {
		c.Multiplier = DefaultMultiplier
	}
	if c.Jitter == 0 {
		c.Jitter = DefaultJitter
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.MaxRetryAfter == 0 {
		c.MaxRetryAfter = c.MaxBackoff
	}
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.Rand == nil {
		c.Rand = rand.Float64
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c RetryConfig) validate() error {
	var errs []error
	if c.InitialBackoff < 0 {
		errs = append(errs, fmt.Errorf("initial backoff %s is negative", c.InitialBackoff))
	}
	if c.MaxBackoff < c.InitialBackoff {
		errs = append(errs, fmt.Errorf("max backoff %s is below the initial backoff %s", c.MaxBackoff, c.InitialBackoff))
	}
	if c.Multiplier < 1 || math.IsNaN(c.Multiplier) || math.IsInf(c.Multiplier, 0) {
		errs = append(errs, fmt.Errorf("backoff multiplier %v must be a finite number ≥ 1 (e.g. 2.0)", c.Multiplier))
	}
	if c.Jitter >= 1 || math.IsNaN(c.Jitter) {
		errs = append(errs, fmt.Errorf("jitter %v must be below 1 (e.g. 0.3)", c.Jitter))
	}
	if c.CallTimeout < 0 {
		errs = append(errs, fmt.Errorf("call timeout %s is negative", c.CallTimeout))
	}
	if c.MaxRetryAfter < 0 {
		errs = append(errs, fmt.Errorf("max Retry-After %s is negative", c.MaxRetryAfter))
	}
	return errors.Join(errs...)
}

// backoff returns the wait after the given number of consecutive failures
// (1 for the first), with r ∈ [0, 1) drawing the jitter.
func (c RetryConfig) backoff(failures int, r float64) time.Duration {
	base := float64(c.InitialBackoff) * math.Pow(c.Multiplier, float64(failures-1))
	base = math.Min(base, float64(c.MaxBackoff))
	if c.Jitter > 0 {
		base *= 1 + c.Jitter*(2*r-1)
	}
	return time.Duration(math.Min(math.Max(base, 0), float64(c.MaxBackoff)))
}

// WithRetry wraps m in the retry policy: each attempt gets CallTimeout; a
// retryable failure ([IsRetryable]) is retried after the computed backoff or
// the server's Retry-After; other failures and a cancelled ctx end the call at
// once. When retries run out the error matches [ErrUnavailable]:
//
//	model gemini:gemini-2.5-flash unreachable after 6 attempts: vertex: HTTP 503 Service Unavailable: ...
//
// Provider SDKs' own retries are off, so the policy here is the only one.
func WithRetry(m Model, cfg RetryConfig) (Model, error) {
	if m == nil {
		return nil, errors.New("llm: WithRetry needs a model")
	}
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("llm: invalid retry config: %w", err)
	}
	return &retryModel{inner: m, cfg: cfg}, nil
}

type retryModel struct {
	inner Model
	cfg   RetryConfig
}

func (m *retryModel) Name() string        { return m.inner.Name() }
func (m *retryModel) AcceptsImages() bool { return AcceptsImages(m.inner) }

// Unwrap returns the wrapped model.
func (m *retryModel) Unwrap() Model { return m.inner }

func (m *retryModel) Generate(ctx context.Context, req *Request) (*Response, error) {
	// A malformed request fails the same way every time: say so once.
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("model %s: invalid request: %w", m.Name(), err)
	}
	maxAttempts := max(m.cfg.MaxRetries, 0) + 1
	for attempt := 1; ; attempt++ {
		resp, err := m.attempt(ctx, req)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			if errors.Is(err, ctx.Err()) {
				return nil, fmt.Errorf("model %s: %w", m.Name(), err)
			}
			return nil, fmt.Errorf("model %s: %w: %w", m.Name(), ctx.Err(), err)
		}
		if !IsRetryable(err) {
			return nil, fmt.Errorf("model %s: %w", m.Name(), err)
		}
		if attempt >= maxAttempts {
			return nil, &UnavailableError{Model: m.Name(), Attempts: attempt, Err: err}
		}
		wait := m.cfg.backoff(attempt, m.cfg.Rand())
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			if hinted, ok := apiErr.RetryAfter.Wait(m.cfg.Clock.Now()); ok {
				if hinted > m.cfg.MaxRetryAfter {
					m.cfg.Logger.Warn("model server asked to wait longer than allowed; capping",
						"model", m.Name(), "retry_after", hinted, "cap", m.cfg.MaxRetryAfter)
					hinted = m.cfg.MaxRetryAfter
				}
				wait = hinted
			}
		}
		m.cfg.Logger.Warn("model call failed; retrying",
			"model", m.Name(), "attempt", attempt, "max_attempts", maxAttempts, "wait", wait, "error", err)
		if serr := m.cfg.Clock.Sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("model %s: %w while waiting to retry after attempt %d failed: %w", m.Name(), serr, attempt, err)
		}
	}
}

func (m *retryModel) attempt(ctx context.Context, req *Request) (*Response, error) {
	callCtx, cancel := m.cfg.Clock.WithTimeoutCause(ctx, m.cfg.CallTimeout, ErrCallTimeout)
	defer cancel()
	resp, err := m.inner.Generate(callCtx, req)
	if err == nil && resp == nil {
		err = errors.New("model returned neither a response nor an error")
	}
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(callCtx), ErrCallTimeout) {
		err = fmt.Errorf("%w (no reply within %s): %w", ErrCallTimeout, m.cfg.CallTimeout, err)
	}
	return resp, err
}
