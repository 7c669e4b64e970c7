package llmtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

type exchange struct {
	status int
	header http.Header
	body   map[string]any
}

func post(t *testing.T, url string, header map[string]string, body string) exchange {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var decoded map[string]any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("response is not JSON: %s", raw)
	}
	return exchange{resp.StatusCode, resp.Header, decoded}
}

func errorMessage(e exchange) string {
	inner, _ := e.body["error"].(map[string]any)
	msg, _ := inner["message"].(string)
	return msg
}

var openaiAuth = map[string]string{"Authorization": "Bearer " + llmtest.APIKey}

func TestOpenAIRejectsWhatTheRealAPIRejects(t *testing.T) {
	srv := llmtest.NewOpenAI(t, scripted.Step{Text: "ok"})
	url := srv.BaseURL() + "/chat/completions"
	for name, tc := range map[string]struct{ body, want string }{
		"orphan tool message": {`{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"x","content":"r"}]}`,
			"must be a response to a preceding message with 'tool_calls'"},
		"unanswered call": {`{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"user","content":"next"}]}`,
			"must be followed by tool messages"},
		"image that is not a PNG": {`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,aGVsbG8="}}]}]}`,
			"declared as image/png"},
		"schema not an object": {`{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"array"}}}]}`,
			`"type": "object"`},
		"no model": {`{"messages":[{"role":"user","content":"hi"}]}`, "model parameter"},
	} {
		e := post(t, url, openaiAuth, tc.body)
		if e.status != 400 || !strings.Contains(errorMessage(e), tc.want) {
			t.Errorf("%s: %d %q, want 400 containing %q", name, e.status, errorMessage(e), tc.want)
		}
	}
	if srv.Remaining() != 1 {
		t.Error("rejected requests must not use up steps")
	}
	if e := post(t, url, map[string]string{"Authorization": "Bearer wrong"}, `{}`); e.status != 401 {
		t.Errorf("wrong key: %d", e.status)
	}
	if e := post(t, srv.URL()+"/v2/chat/completions", openaiAuth, `{}`); e.status != 404 {
		t.Errorf("wrong path: %d", e.status)
	}
	if n := len(srv.Requests()); n != 7 {
		t.Errorf("recorded %d requests, want all 7", n)
	}
}

func TestExhaustedScriptAnswers400(t *testing.T) {
	srv := llmtest.NewOpenAI(t)
	e := post(t, srv.BaseURL()+"/chat/completions", openaiAuth, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if e.status != 400 || !strings.Contains(errorMessage(e), "script exhausted") {
		t.Fatalf("%d %v", e.status, e.body)
	}
	if err := srv.Enqueue(scripted.Step{Text: "late"}); err != nil {
		t.Fatal(err)
	}
	e = post(t, srv.BaseURL()+"/chat/completions", openaiAuth, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if e.status != 200 {
		t.Fatalf("after Enqueue: %d %v", e.status, e.body)
	}
	if err := srv.Enqueue(scripted.Step{}); err == nil {
		t.Error("Enqueue accepted an empty step")
	}
}

func TestAnthropicRejectsWhatTheRealAPIRejects(t *testing.T) {
	srv := llmtest.NewAnthropic(t, scripted.Step{Text: "ok"})
	url := srv.BaseURL() + "/v1/messages"
	hdr := map[string]string{"X-Api-Key": llmtest.APIKey, "Anthropic-Version": "2023-06-01"}
	for name, tc := range map[string]struct{ body, want string }{
		"no max_tokens": {`{"model":"m","messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		"roles not alternating": {`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}`,
			"roles must alternate"},
		"result after text": {`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"a"},` +
			`{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},` +
			`{"role":"user","content":[{"type":"text","text":"obs"},{"type":"tool_result","tool_use_id":"t1","content":"r"}]}]}`,
			"tool_result blocks must come first"},
		"missing result": {`{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"a"},` +
			`{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},` +
			`{"role":"user","content":"obs"}]}`, "without `tool_result` blocks"},
	} {
		e := post(t, url, hdr, tc.body)
		if e.status != 400 || !strings.Contains(errorMessage(e), tc.want) || e.body["type"] != "error" {
			t.Errorf("%s: %d %v, want 400 containing %q", name, e.status, e.body, tc.want)
		}
	}
	if e := post(t, url, map[string]string{"X-Api-Key": llmtest.APIKey}, `{}`); e.status != 400 || !strings.Contains(errorMessage(e), "anthropic-version") {
		t.Errorf("missing version header: %d %v", e.status, e.body)
	}
}

func TestGeminiRejectsWhatTheRealAPIRejects(t *testing.T) {
	srv := llmtest.NewGemini(t, scripted.Step{Text: "ok"})
	url := srv.BaseURL() + "v1beta/models/gemini-x:generateContent"
	hdr := map[string]string{"X-Goog-Api-Key": llmtest.APIKey}
	for name, tc := range map[string]struct{ body, want string }{
		"no contents": {`{"contents":[]}`, "contents is not specified"},
		"response count": {`{"contents":[{"role":"user","parts":[{"text":"a"}]},` +
			`{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}},{"functionCall":{"name":"g","args":{}}}]},` +
			`{"role":"user","parts":[{"functionResponse":{"name":"f","response":{"output":"x"}}}]}]}`,
			"number of function response parts should be equal"},
		"bad role": {`{"contents":[{"role":"assistant","parts":[{"text":"a"}]}]}`, "valid role"},
	} {
		e := post(t, url, hdr, tc.body)
		if e.status != 400 || !strings.Contains(errorMessage(e), tc.want) {
			t.Errorf("%s: %d %v, want 400 containing %q", name, e.status, e.body, tc.want)
		}
	}
	vertex := srv.BaseURL() + "v1beta1/projects/p/locations/europe-west1/publishers/google/models/gemini-x:generateContent"
	if e := post(t, vertex, hdr, `{"contents":[{"role":"user","parts":[{"text":"a"}]}]}`); e.status != 401 {
		t.Errorf("Vertex path with an API key instead of a token: %d", e.status)
	}
	e := post(t, vertex, map[string]string{"Authorization": "Bearer " + llmtest.AccessToken}, `{"contents":[{"role":"user","parts":[{"text":"a"}]}]}`)
	if e.status != 200 || e.body["modelVersion"] != "gemini-x" {
		t.Errorf("Vertex path: %d %v", e.status, e.body)
	}
}

func TestFailureFormats(t *testing.T) {
	fail := scripted.Step{Error: &scripted.Failure{Status: 429, Message: "slow down", RetryAfter: "7"}}
	o := llmtest.NewOpenAI(t, fail)
	e := post(t, o.BaseURL()+"/chat/completions", openaiAuth, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if e.status != 429 || e.header.Get("Retry-After") != "7" || errorMessage(e) != "slow down" {
		t.Errorf("openai: %d %v %v", e.status, e.header, e.body)
	}
	g := llmtest.NewGemini(t, fail)
	e = post(t, g.BaseURL()+"v1beta/models/m:generateContent", map[string]string{"X-Goog-Api-Key": llmtest.APIKey}, `{"contents":[{"role":"user","parts":[{"text":"a"}]}]}`)
	details, _ := e.body["error"].(map[string]any)["details"].([]any)
	if e.status != 429 || len(details) != 1 || details[0].(map[string]any)["retryDelay"] != "7s" {
		t.Errorf("gemini: %d %v", e.status, e.body)
	}
}

func TestStallIsReleasedByClientOrClose(t *testing.T) {
	srv, err := llmtest.StartOpenAI(scripted.Step{Stall: true}, scripted.Step{Stall: true})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.BaseURL()+"/chat/completions", bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+llmtest.APIKey)
	done := make(chan error, 1)
	go func() {
		_, err := http.DefaultClient.Do(req)
		done <- err
	}()
	<-srv.Stalled()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}

	req2, _ := http.NewRequest(http.MethodPost, srv.BaseURL()+"/chat/completions", bytes.NewBufferString(body))
	req2.Header.Set("Authorization", "Bearer "+llmtest.APIKey)
	go func() {
		resp, err := http.DefaultClient.Do(req2)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-srv.Stalled()
	srv.Close() // must not wait for the stalled handler forever
	<-done
}

func TestClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := llmtest.NewClock(start)
	cause := errors.New("too slow")
	ctx, cancel := c.WithTimeoutCause(t.Context(), time.Minute, cause)
	defer cancel()
	<-c.Armed()
	if err := c.Sleep(t.Context(), 59*time.Second); err != nil || ctx.Err() != nil {
		t.Fatalf("fired early: %v %v", err, ctx.Err())
	}
	c.Advance(time.Second)
	<-ctx.Done()
	if !errors.Is(context.Cause(ctx), cause) {
		t.Errorf("cause = %v", context.Cause(ctx))
	}
	if !c.Now().Equal(start.Add(time.Minute)) {
		t.Errorf("now = %v", c.Now())
	}
	stopped, stop := c.WithTimeoutCause(t.Context(), time.Second, cause)
	stop()
	c.Advance(time.Hour)
	if !errors.Is(context.Cause(stopped), context.Canceled) {
		t.Errorf("a cancelled timeout must not fire later: %v", context.Cause(stopped))
	}
	done, cancelDone := context.WithCancel(t.Context())
	cancelDone()
	if err := c.Sleep(done, time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a done context = %v", err)
	}
	if got := c.Sleeps(); len(got) != 1 || got[0] != 59*time.Second {
		t.Errorf("sleeps = %v", got)
	}
	if got := c.Timeouts(); len(got) != 2 {
		t.Errorf("timeouts = %v", got)
	}
}

func TestPNGIsAValidImage(t *testing.T) {
	req := &llm.Request{Messages: []llm.Message{llm.User(llm.PNG(llmtest.PNG()))}}
	if err := req.Validate(); err != nil {
		t.Fatal(err)
	}
}
