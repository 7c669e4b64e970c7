package llm

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrUnavailable matches (with errors.Is) the error [WithRetry] returns when
// a model kept failing with retryable errors until the retries ran out. The
// agent reports it as verdict "error": Argus could not find out, the app
// under test did not fail.
var ErrUnavailable = errors.New("model unavailable")

// ErrCallTimeout is the cause of a call that took longer than the retry
// policy's per-call timeout (120 s by default). Such calls are retried.
var ErrCallTimeout = errors.New("model call timed out")

// APIError is an error response from a provider's API. Providers return it
// (wrapped) for every HTTP response with status ≥ 400, so the retry policy
// and the agent can classify failures the same way for every provider.
type APIError struct {
	// Provider is the provider's name, e.g. "openai", "vertex".
	Provider string
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the provider's error message, when its body had one.
	Message string
	// RetryAfter is the server's hint on when to try again: the Retry-After
	// or retry-after-ms header, or Gemini's RetryInfo detail. Zero when the
	// server gave none.
	RetryAfter RetryAfter
	// Err is the SDK's own error, for callers who need provider details.
	Err error
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d %s", e.Provider, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether the status is worth another attempt: 408, 429
// and every 5xx (Anthropic's 529 "overloaded" included). Other 4xx mean the
// request itself is wrong and would fail the same way again.
func (e *APIError) Retryable() bool {
	return e.StatusCode == http.StatusRequestTimeout ||
		e.StatusCode == http.StatusTooManyRequests ||
		e.StatusCode >= 500
}

// UnavailableError is returned by [WithRetry] when every attempt failed with
// a retryable error. It matches [ErrUnavailable] and unwraps to the last
// attempt's error.
type UnavailableError struct {
	Model    string
	Attempts int
	Err      error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("model %s unreachable after %d attempts: %v", e.Model, e.Attempts, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }
