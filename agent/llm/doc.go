// Package llm is the seam between the Argus agent and the language models that
// drive it.
//
// A [Model] takes a [Request] (system prompt, a conversation of [Message]s and
// the [Tool]s the agent offers) and returns a [Response] (text, [ToolCall]s and
// the token [Usage] the provider reported). The interface is deliberately
// small so that every provider — Gemini on the Gemini API or Vertex AI, any
// OpenAI-compatible endpoint, Anthropic, and the scripted model used in tests
// and demos — maps onto it faithfully, and so that the agent never sees a
// provider SDK type.
//
// Providers live in subpackages (gemini, openai, anthropic, scripted); the
// provider subpackage chooses and builds one from ARGUS_MODEL=provider:model
// and the usual key variables. [WithRetry] wraps any model in the one retry
// policy Argus promises: up to 5 retries, backoff 5 s → 60 s ×2 with 0.3
// jitter, 120 s per call, Retry-After honoured, and only retryable failures
// (429, 5xx, timeouts, connection resets) retried. When the retries are used
// up the error matches [ErrUnavailable], which the agent reports as verdict
// "error" rather than "failed".
//
// Provider errors carry the HTTP status and the server's retry hint as an
// [*APIError], so callers can inspect them with errors.As.
package llm
