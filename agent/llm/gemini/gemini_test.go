package gemini_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/auth"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/gemini"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// staticToken is a credentials source that never leaves the process.
type staticToken string

func (s staticToken) Token(context.Context) (*auth.Token, error) {
	return &auth.Token{Value: string(s), Type: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

func testCredentials() *auth.Credentials {
	return auth.NewCredentials(&auth.CredentialsOptions{TokenProvider: staticToken(llmtest.AccessToken)})
}

var navigateTool = llm.Tool{
	Name:        "navigate",
	Description: "Open a URL.",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"url":{"type":"string"}},"required":["url"]}`),
}

// backends runs a test against the Gemini API and Vertex AI paths.
var backends = []gemini.Backend{gemini.GeminiAPI, gemini.VertexAI}

func newModel(t *testing.T, backend gemini.Backend, srv *llmtest.Server, mutate ...func(*gemini.Config)) *gemini.Model {
	t.Helper()
	cfg := gemini.Config{Backend: backend, Model: "gemini-test", BaseURL: srv.BaseURL()}
	if backend == gemini.VertexAI {
		cfg.Project, cfg.Location, cfg.Credentials = "argus-test", "europe-west1", testCredentials()
	} else {
		cfg.APIKey = llmtest.APIKey
	}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := gemini.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decode(t *testing.T, r llmtest.Request) *llmtest.GeminiRequest {
	t.Helper()
	req, err := llmtest.DecodeGemini(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestTextReplyUsageAndPaths(t *testing.T) {
	for _, backend := range backends {
		t.Run(string(backend), func(t *testing.T) {
			srv := llmtest.NewGemini(t, scripted.Step{
				Text:  "A login form.",
				Usage: llm.Usage{InputTokens: 2500, OutputTokens: 300, CachedInputTokens: 1024, ReasoningTokens: 200},
			})
			m := newModel(t, backend, srv)
			if want := string(backend) + ":gemini-test"; m.Name() != want {
				t.Errorf("Name() = %q, want %q", m.Name(), want)
			}
			resp, err := m.Generate(t.Context(), &llm.Request{
				System:   "You are a QA agent.",
				Messages: []llm.Message{llm.User(llm.Text("What is on the page?"))},
			})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != "A login form." || resp.StopReason != llm.StopEnd || resp.ProviderStopReason != "STOP" || resp.ModelVersion != "gemini-test" {
				t.Errorf("response = %+v", resp)
			}
			if want := (llm.Usage{InputTokens: 2500, OutputTokens: 300, CachedInputTokens: 1024, ReasoningTokens: 200}); resp.Usage != want {
				t.Errorf("usage = %+v, want %+v", resp.Usage, want)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests", len(reqs))
			}
			r := reqs[0]
			switch backend {
			case gemini.GeminiAPI:
				if r.Path != "/v1beta/models/gemini-test:generateContent" || r.Header.Get("X-Goog-Api-Key") != llmtest.APIKey || r.Header.Get("Authorization") != "" {
					t.Errorf("path %s, headers %v", r.Path, r.Header)
				}
			case gemini.VertexAI:
				if r.Path != "/v1beta1/projects/argus-test/locations/europe-west1/publishers/google/models/gemini-test:generateContent" ||
					r.Header.Get("Authorization") != "Bearer "+llmtest.AccessToken || r.Header.Get("X-Goog-Api-Key") != "" {
					t.Errorf("path %s, headers %v", r.Path, r.Header)
				}
			}
			body := decode(t, r)
			if body.SystemInstruction == nil || len(body.SystemInstruction.Parts) != 1 || body.SystemInstruction.Parts[0].Text != "You are a QA agent." {
				t.Errorf("systemInstruction = %s", r.Body)
			}
			if len(body.Contents) != 1 || body.Contents[0].Role != "user" || body.Contents[0].Parts[0].Text != "What is on the page?" {
				t.Errorf("contents = %s", r.Body)
			}
		})
	}
}

func TestToolCallRoundTripWithSignatures(t *testing.T) {
	for _, backend := range backends {
		t.Run(string(backend), func(t *testing.T) {
			srv := llmtest.NewGemini(t,
				scripted.Step{
					Text:          "Opening the sign-up page.",
					TextSignature: []byte("text-sig"),
					ToolCalls: []llm.ToolCall{
						// Gemini 3 signs the first call of a turn; ids are
						// issued by some models only.
						{Name: "navigate", Args: json.RawMessage(`{"url":"http://127.0.0.1:8080/signup"}`), Signature: []byte("sig-1")},
						{ID: "fc-7", Name: "navigate", Args: json.RawMessage(`{"url":"http://127.0.0.1:8080/terms"}`)},
					},
					Usage: llm.Usage{InputTokens: 100, OutputTokens: 20},
				},
				scripted.Step{Text: "Both pages are open."},
			)
			m := newModel(t, backend, srv)
			ctx := t.Context()
			req := &llm.Request{
				Messages:        []llm.Message{llm.User(llm.Text("Sign up."))},
				Tools:           []llm.Tool{navigateTool},
				ToolChoice:      llm.ToolChoiceRequired,
				MaxOutputTokens: 1024,
			}
			first, err := m.Generate(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if first.StopReason != llm.StopToolUse || first.ProviderStopReason != "STOP" || len(first.ToolCalls) != 2 {
				t.Fatalf("first = %+v", first)
			}
			c1, c2 := first.ToolCalls[0], first.ToolCalls[1]
			if c1.ID == "" || c1.Name != "navigate" || string(c1.Signature) != "sig-1" {
				t.Errorf("first call = %+v", c1)
			}
			var args map[string]string
			if err := json.Unmarshal(c1.Args, &args); err != nil || args["url"] != "http://127.0.0.1:8080/signup" {
				t.Errorf("first call args = %s", c1.Args)
			}
			if c2.ID != "fc-7" || len(c2.Signature) != 0 {
				t.Errorf("second call = %+v", c2)
			}
			if string(first.TextSignature) != "text-sig" {
				t.Errorf("text signature = %q", first.TextSignature)
			}
			req.Messages = append(req.Messages,
				first.Message(),
				llm.ToolResults(
					llm.ToolResult{CallID: c1.ID, Content: "loaded /signup"},
					llm.ToolResult{CallID: c2.ID, Content: "HTTP 404", IsError: true},
				),
				llm.User(llm.Text("Two tabs are open.")),
			)
			second, err := m.Generate(ctx, req)
			if err != nil {
				t.Fatal(err) // the fake server rejects lost signatures and unmatched responses
			}
			if second.Text != "Both pages are open." {
				t.Errorf("second = %+v", second)
			}

			reqs := srv.Requests()
			b1 := decode(t, reqs[0])
			if len(b1.Tools) != 1 || len(b1.Tools[0].FunctionDeclarations) != 1 {
				t.Fatalf("tools = %s", reqs[0].Body)
			}
			fd := b1.Tools[0].FunctionDeclarations[0]
			if fd.Name != "navigate" || fd.Description != navigateTool.Description || !strings.Contains(string(fd.ParametersJSONSchema), `"url"`) {
				t.Errorf("function declaration = %s", reqs[0].Body)
			}
			if b1.ToolConfig == nil || b1.ToolConfig.FunctionCallingConfig == nil || b1.ToolConfig.FunctionCallingConfig.Mode != "ANY" {
				t.Errorf("toolConfig = %s", reqs[0].Body)
			}
			if b1.GenerationConfig == nil || b1.GenerationConfig.MaxOutputTokens != 1024 {
				t.Errorf("generationConfig = %s", reqs[0].Body)
			}

			b2 := decode(t, reqs[1])
			if len(b2.Contents) != 3 || b2.Contents[1].Role != "model" || b2.Contents[2].Role != "user" {
				t.Fatalf("contents = %s", reqs[1].Body)
			}
			model := b2.Contents[1].Parts
			if len(model) != 3 || model[0].Text != "Opening the sign-up page." || string(model[0].ThoughtSignature) != "text-sig" {
				t.Fatalf("model turn = %s", reqs[1].Body)
			}
			if fc := model[1].FunctionCall; fc == nil || fc.ID != "" || string(model[1].ThoughtSignature) != "sig-1" {
				t.Errorf("first call sent back = %+v: a locally made-up id must not be sent; the signature must", model[1])
			}
			if fc := model[2].FunctionCall; fc == nil || fc.ID != "fc-7" {
				t.Errorf("second call sent back = %+v", model[2])
			}
			user := b2.Contents[2].Parts
			if len(user) != 3 {
				t.Fatalf("user turn = %s", reqs[1].Body)
			}
			r1, r2 := user[0].FunctionResponse, user[1].FunctionResponse
			if r1 == nil || r1.Name != "navigate" || r1.ID != "" || r1.Response["output"] != "loaded /signup" {
				t.Errorf("first response = %+v", r1)
			}
			if r2 == nil || r2.ID != "fc-7" || r2.Response["error"] != "HTTP 404" {
				t.Errorf("error response = %+v", r2)
			}
			if user[2].Text != "Two tabs are open." {
				t.Errorf("observation = %+v", user[2])
			}
		})
	}
}

func TestLostSignatureIsRejectedLikeGemini3(t *testing.T) {
	srv := llmtest.NewGemini(t,
		scripted.Step{ToolCalls: []llm.ToolCall{{Name: "navigate", Args: json.RawMessage(`{"url":"http://127.0.0.1/"}`), Signature: []byte("sig")}}},
		scripted.Step{Text: "unreachable"},
	)
	m := newModel(t, gemini.GeminiAPI, srv)
	req := &llm.Request{Messages: []llm.Message{llm.User(llm.Text("go"))}, Tools: []llm.Tool{navigateTool}}
	first, err := m.Generate(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	msg := first.Message()
	msg.Parts[0].ToolCall.Signature = nil // what a careless history would do
	req.Messages = append(req.Messages, msg, llm.ToolResults(llm.ToolResult{CallID: first.ToolCalls[0].ID, Content: "ok"}))
	_, err = m.Generate(t.Context(), req)
	var apiErr *llm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(apiErr.Message, "thought_signature") {
		t.Fatalf("err = %v, want the 400 Gemini 3 gives for a lost signature", err)
	}
}

func TestImagePartOnlyWithVision(t *testing.T) {
	png := llmtest.PNG()
	req := &llm.Request{Messages: []llm.Message{llm.User(llm.Text("Screenshot:"), llm.PNG(png))}}
	for _, vision := range []bool{true, false} {
		srv := llmtest.NewGemini(t, scripted.Step{Text: "ok"})
		m := newModel(t, gemini.VertexAI, srv, func(c *gemini.Config) { c.AcceptImages = vision })
		if _, err := m.Generate(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		parts := decode(t, srv.Requests()[0]).Contents[0].Parts
		if len(parts) != 2 {
			t.Fatalf("parts = %+v", parts)
		}
		if vision {
			if parts[1].InlineData == nil || parts[1].InlineData.MIMEType != "image/png" || parts[1].InlineData.Data != base64.StdEncoding.EncodeToString(png) {
				t.Errorf("image part = %+v", parts[1])
			}
		} else if parts[1].InlineData != nil || parts[1].Text != llm.ImageOmitted {
			t.Errorf("without vision the image must become a note, got %+v", parts[1])
		}
	}
}

func TestConformance(t *testing.T) {
	for _, backend := range backends {
		t.Run(string(backend), func(t *testing.T) {
			llmtest.RunConformance(t, llmtest.Provider{
				Name:   string(backend),
				Server: func(t *testing.T, steps ...scripted.Step) *llmtest.Server { return llmtest.NewGemini(t, steps...) },
				Model:  func(t *testing.T, srv *llmtest.Server) llm.Model { return newModel(t, backend, srv) },
			})
		})
	}
}

// Google's retry hints: a RetryInfo detail, and Retry-After as an HTTP
// date.
func TestRetryInfoAndHTTPDate(t *testing.T) {
	for _, backend := range backends {
		t.Run(string(backend), func(t *testing.T) {
			start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			srv := llmtest.NewGemini(t,
				// RetryInfo detail, as Google APIs send it.
				scripted.Step{Error: &scripted.Failure{Status: 429, Message: "Resource has been exhausted", RetryAfter: "17"}},
				// Retry-After as an HTTP date, 9 s after the fake clock's time then.
				scripted.Step{Error: &scripted.Failure{Status: 503, RetryAfter: start.Add(17*time.Second + 9*time.Second).Format(http.TimeFormat)}},
				scripted.Step{Text: "ok"},
			)
			clock := llmtest.NewClock(start)
			m := llmtest.Retrying(t, newModel(t, backend, srv), clock)
			resp, err := m.Generate(t.Context(), llmtest.Ask("hi"))
			if err != nil || resp.Text != "ok" {
				t.Fatalf("Generate = %+v, %v", resp, err)
			}
			if got, want := clock.Sleeps(), []time.Duration{17 * time.Second, 9 * time.Second}; !slices.Equal(got, want) {
				t.Errorf("waits = %v, want %v", got, want)
			}
			if n := len(srv.Requests()); n != 3 {
				t.Errorf("server saw %d requests, want 3 (the SDK must not retry)", n)
			}
		})
	}
}

func TestWrongCredentialsArePermanent(t *testing.T) {
	srv := llmtest.NewGemini(t, scripted.Step{Text: "ok"})
	srv.SetAccessToken("another-token")
	_, err := newModel(t, gemini.VertexAI, srv).Generate(t.Context(), llmtest.Ask("hi"))
	var apiErr *llm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || llm.IsRetryable(err) {
		t.Fatalf("err = %v, want a non-retryable 401", err)
	}
}

func TestEnvironmentIsNotRead(t *testing.T) {
	t.Setenv("GOOGLE_API_KEY", "AIza-from-environment")
	t.Setenv("GEMINI_API_KEY", "AIza-from-environment")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
	trap := llmtest.NewGemini(t) // what the environment points at; must see nothing
	t.Setenv("GOOGLE_GEMINI_BASE_URL", trap.BaseURL())
	t.Setenv("GOOGLE_VERTEX_BASE_URL", trap.BaseURL())
	srv := llmtest.NewGemini(t, scripted.Step{Text: "ok"}, scripted.Step{Text: "ok"})
	for _, backend := range backends {
		if _, err := newModel(t, backend, srv).Generate(t.Context(), llmtest.Ask("hi")); err != nil {
			t.Fatalf("%s: %v", backend, err)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("X-Goog-Api-Key") != llmtest.APIKey || reqs[1].Header.Get("X-Goog-Api-Key") != "" {
		t.Errorf("requests = %+v", reqs)
	}
	if n := len(trap.Requests()); n != 0 {
		t.Errorf("the base URL from the environment got %d requests", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]gemini.Config{
		"no model":           {APIKey: "k"},
		"gemini without key": {Model: "m"},
		"vertex no project":  {Backend: gemini.VertexAI, Model: "m", Location: "europe-west1", Credentials: testCredentials()},
		"vertex no location": {Backend: gemini.VertexAI, Model: "m", Project: "p", Credentials: testCredentials()},
		"unknown backend":    {Backend: "bard", Model: "m"},
	} {
		if _, err := gemini.New(t.Context(), cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
