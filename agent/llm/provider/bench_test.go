package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/auth"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/provider"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// screenshot is a 1280×800 PNG with enough structure to weigh like a real
// page screenshot.
func screenshot(b *testing.B) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	for y := range 800 {
		for x := range 1280 {
			img.Set(x, y, color.RGBA{R: uint8(x * y % 251), G: uint8((x + 3*y) % 256), B: uint8(x ^ y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// agentConversation is what an agent sends around its 20th step: 20 turns of
// observation, tool call and result, and a fresh screenshot.
func agentConversation(shot []byte) *llm.Request {
	req := &llm.Request{
		System: strings.Repeat("You are a careful QA agent. ", 40),
		Tools: []llm.Tool{
			{Name: "click", Parameters: json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"}},"required":["index"]}`)},
			{Name: "type_text", Parameters: json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"},"text":{"type":"string"}}}`)},
			{Name: "finish", Parameters: json.RawMessage(`{"type":"object","properties":{"verdict":{"type":"string"},"summary":{"type":"string"}}}`)},
		},
	}
	observation := strings.Repeat("[12] button 'Sign in' (640,420) ", 60)
	for i := range 20 {
		id := fmt.Sprintf("call_%d", i)
		req.Messages = append(req.Messages,
			llm.User(llm.Text(observation)),
			llm.Assistant(llm.Text("Next I click."), llm.Call(id, "click", json.RawMessage(`{"index":12}`))),
			llm.ToolResults(llm.ToolResult{CallID: id, Content: "clicked [12] 'Sign in'; URL unchanged"}),
		)
	}
	req.Messages = append(req.Messages, llm.User(llm.Text(observation), llm.PNG(shot)))
	return req
}

// tap keeps the last response body a client received.
type tap struct {
	mu   sync.Mutex
	body []byte
}

func (t *tap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.body = body
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// BenchmarkGenerate measures what Argus adds to a model call: validating a
// 20-step conversation with a screenshot, mapping it onto the provider's wire
// format, the SDK's encoding and decoding, the retry wrapper and a loopback
// HTTP exchange. The conversation is first checked by the provider's fake
// server; the timed calls then go to a server that reads the request and
// replays the fake server's reply, so the fake's own parsing is not counted.
func BenchmarkGenerate(b *testing.B) {
	shot := screenshot(b)
	b.Logf("screenshot: %d bytes", len(shot))
	reply := scripted.Step{
		ToolCalls: []llm.ToolCall{{Name: "click", Args: json.RawMessage(`{"index":3}`)}},
		Usage:     llm.Usage{InputTokens: 9000, OutputTokens: 40},
	}
	for _, wire := range []string{"openai", "anthropic", "gemini", "vertex"} {
		b.Run(wire, func(b *testing.B) {
			var fake *llmtest.Server
			var baseVar string
			vars := map[string]string{"ARGUS_MODEL": wire + ":bench-model"}
			switch wire {
			case "openai":
				fake, baseVar = llmtest.NewOpenAI(b, reply), "OPENAI_BASE_URL"
				vars["OPENAI_API_KEY"] = llmtest.APIKey
			case "anthropic":
				fake, baseVar = llmtest.NewAnthropic(b, reply), "ANTHROPIC_BASE_URL"
				vars["ANTHROPIC_API_KEY"] = llmtest.APIKey
			case "gemini":
				fake, baseVar = llmtest.NewGemini(b, reply), "GOOGLE_GEMINI_BASE_URL"
				vars["GEMINI_API_KEY"] = llmtest.APIKey
			case "vertex":
				fake, baseVar = llmtest.NewGemini(b, reply), "GOOGLE_VERTEX_BASE_URL"
				vars["GOOGLE_CLOUD_PROJECT"], vars["GOOGLE_CLOUD_LOCATION"] = "bench", "europe-west1"
			}
			build := func(baseURL string, client *http.Client) llm.Model {
				vars[baseVar] = baseURL
				cfg, err := provider.FromEnv(func(k string) string { return vars[k] })
				if err != nil {
					b.Fatal(err)
				}
				cfg.HTTPClient = client
				if wire == "vertex" {
					cfg.Credentials = auth.NewCredentials(&auth.CredentialsOptions{TokenProvider: staticToken(llmtest.AccessToken)})
				}
				m, err := provider.New(b.Context(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				return m
			}
			req := agentConversation(shot)

			recorded := &tap{}
			if _, err := build(fake.BaseURL(), &http.Client{Transport: recorded}).Generate(b.Context(), req); err != nil {
				b.Fatal(err)
			}
			requestBytes := len(fake.Requests()[0].Body)
			replay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(recorded.body)
			}))
			defer replay.Close()
			// Same path prefix as the fake's base URL (/v1 for chat completions).
			m := build(replay.URL+strings.TrimPrefix(fake.BaseURL(), fake.URL()), nil)

			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				resp, err := m.Generate(b.Context(), req)
				if err != nil {
					b.Fatal(err)
				}
				if len(resp.ToolCalls) != 1 {
					b.Fatalf("reply = %+v", resp)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(requestBytes), "request-bytes")
		})
	}
}
