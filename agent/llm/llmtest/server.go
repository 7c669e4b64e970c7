// Package llmtest provides in-process fake model provider servers and a fake
// clock, for testing the model providers, the agent and the server without
// reaching any real provider.
//
// Each server speaks one provider's real wire format on 127.0.0.1 —
// OpenAI chat completions, Anthropic messages, Gemini generateContent on both
// the Gemini API and the Vertex AI paths — so the real provider SDK is
// exercised end to end. A server:
//
//   - replies from a script of [scripted.Step]s, the same steps the scripted
//     model serves: text, tool calls (ids in the provider's style), usage in
//     the provider's breakdown, stop reasons;
//   - fails on request: an error step answers with its HTTP status, the
//     provider's error body and the Retry-After hint in the provider's form;
//     a stall step holds the request until the client gives up;
//   - checks the credential and what real providers reject (tool results
//     that answer no call, calls left unanswered, lost Gemini thought
//     signatures, images that are not what they claim, malformed tools),
//     answering 400 in the provider's format, so a mapping bug fails a test
//     the way it would fail in production;
//   - records every request (headers and raw body).
package llmtest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/argusqa/argus/agent/llm/scripted"
)

// Credentials the fake servers expect by default.
const (
	// APIKey is expected as the OpenAI and Anthropic key and as the Gemini
	// API's x-goog-api-key.
	APIKey = "llmtest-key"
	// AccessToken is expected as the OAuth bearer token on Vertex AI paths.
	AccessToken = "llmtest-token"
)

// maxBody bounds what a fake server reads from one request (a conversation
// with many screenshots stays well below).
const maxBody = 64 << 20

// Request is one request a fake server received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// protocol is one provider's wire format.
type protocol interface {
	// baseURL is what to configure the SDK with, given the server's root.
	baseURL(root string) string
	// authorize checks method, path and credential; a non-zero status
	// rejects the request with msg.
	authorize(r *http.Request, cred credentials) (status int, msg string)
	// check decodes and validates the request body as the real API would.
	check(r *http.Request, body []byte) (decoded any, err error)
	// reply writes a successful response for step to the decoded request.
	reply(w http.ResponseWriter, r *http.Request, decoded any, step scripted.Step)
	// fail writes an error response.
	fail(w http.ResponseWriter, status int, msg, retryAfter string)
}

type credentials struct {
	apiKey, accessToken string
}

// Server is a fake provider server. Tests create one with [NewOpenAI],
// [NewAnthropic] or [NewGemini], which close it when the test ends; other
// programs (examples, demos) use [StartOpenAI], [StartAnthropic] or
// [StartGemini] and [Server.Close].
type Server struct {
	proto     protocol
	httpSrv   *httptest.Server
	done      chan struct{}
	closeOnce sync.Once
	stalled   chan struct{}

	mu       sync.Mutex
	steps    []scripted.Step
	next     int
	requests []Request
	cred     credentials
}

// newTestServer starts a server that is closed when the test ends.
func newTestServer(t testing.TB, proto protocol, steps []scripted.Step) *Server {
	t.Helper()
	s, err := start(proto, steps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func start(proto protocol, steps []scripted.Step) (*Server, error) {
	if len(steps) > 0 {
		if err := (scripted.Script{Steps: steps}).Validate(); err != nil {
			return nil, fmt.Errorf("llmtest: %w", err)
		}
	}
	s := &Server{
		proto:   proto,
		done:    make(chan struct{}),
		stalled: make(chan struct{}, 64),
		steps:   append([]scripted.Step(nil), steps...),
		cred:    credentials{apiKey: APIKey, accessToken: AccessToken},
	}
	s.httpSrv = httptest.NewServer(s)
	return s, nil
}

// Close shuts the server down, releasing requests held by stall steps.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done) // or httptest's Close would wait for stalled handlers
		s.httpSrv.Close()
	})
}

// URL is the server's root, http://127.0.0.1:port.
func (s *Server) URL() string { return s.httpSrv.URL }

// BaseURL is the base URL to give the provider SDK or ARGUS configuration
// (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GOOGLE_GEMINI_BASE_URL,
// GOOGLE_VERTEX_BASE_URL).
func (s *Server) BaseURL() string { return s.proto.baseURL(s.httpSrv.URL) }

// SetAPIKey changes the API key the server expects; "" accepts requests
// without one (as Ollama does).
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cred.apiKey = key
}

// SetAccessToken changes the bearer token expected on Vertex AI paths.
func (s *Server) SetAccessToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cred.accessToken = token
}

// Enqueue appends steps to the script.
func (s *Server) Enqueue(steps ...scripted.Step) error {
	if err := (scripted.Script{Steps: steps}).Validate(); err != nil {
		return fmt.Errorf("llmtest: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = append(s.steps, steps...)
	return nil
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Remaining returns how many steps are left.
func (s *Server) Remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.steps) - s.next
}

// Stalled receives once for each request a stall step is holding.
func (s *Server) Stalled() <-chan struct{} { return s.stalled }

// ServeHTTP serves the fake API, so a test may also mount it on a server of
// its own.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		s.proto.fail(w, http.StatusBadRequest, "llmtest: reading request body: "+err.Error(), "")
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	cred := s.cred
	s.mu.Unlock()

	if status, msg := s.proto.authorize(r, cred); status != 0 {
		s.proto.fail(w, status, msg, "")
		return
	}
	decoded, err := s.proto.check(r, body)
	if err != nil {
		s.proto.fail(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	s.mu.Lock()
	if s.next >= len(s.steps) {
		n := len(s.steps)
		s.mu.Unlock()
		s.proto.fail(w, http.StatusBadRequest, fmt.Sprintf("llmtest: script exhausted: all %d steps were served", n), "")
		return
	}
	step := s.steps[s.next]
	s.next++
	s.mu.Unlock()

	switch {
	case step.Stall:
		select {
		case s.stalled <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
	case step.Error != nil:
		s.proto.fail(w, step.Error.Status, step.Error.ErrorMessage(), step.Error.RetryAfter)
	default:
		s.proto.reply(w, r, decoded, step)
	}
}
