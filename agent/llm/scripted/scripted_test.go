package scripted_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

func TestRepliesInOrderAndRecordsRequests(t *testing.T) {
	m, err := scripted.FromFile("testdata/demo.json", false)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "scripted:testdata/demo.json" || llm.AcceptsImages(m) {
		t.Errorf("Name()=%q AcceptsImages=%v", m.Name(), llm.AcceptsImages(m))
	}
	ctx := t.Context()
	req := llmtest.Ask("Sign in with {{secret.password}}.")

	r1, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Text != "Opening the sign-in page." || len(r1.ToolCalls) != 1 || r1.ToolCalls[0].ID != "call_1" ||
		r1.ToolCalls[0].Name != "navigate" || string(r1.ToolCalls[0].Args) != `{"url": "http://127.0.0.1:8080/login"}` {
		t.Errorf("first reply = %+v", r1)
	}
	if r1.StopReason != llm.StopToolUse || r1.Usage != (llm.Usage{InputTokens: 1200, OutputTokens: 40}) {
		t.Errorf("first reply stop/usage = %s %+v", r1.StopReason, r1.Usage)
	}

	_, err = m.Generate(ctx, req)
	var apiErr *llm.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Message != "slow down" || !llm.IsRetryable(err) {
		t.Fatalf("second call err = %v, want the scripted 429", err)
	}
	if d, ok := apiErr.RetryAfter.Wait(time.Now()); !ok || d != 2*time.Second {
		t.Errorf("retry after = %v, %v", d, ok)
	}

	req.Messages = append(req.Messages, r1.Message(), llm.ToolResults(llm.ToolResult{CallID: "call_1", Content: "loaded"}))
	r3, err := m.Generate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if r3.ToolCalls[0].ID != "call_type" || r3.Usage.CachedInputTokens != 1024 {
		t.Errorf("third reply = %+v", r3)
	}
	req.Messages[0].Parts[0].Text = "edited after the call"

	if _, err := m.Generate(ctx, llmtest.Ask("again")); err != nil {
		t.Fatal(err)
	}
	_, err = m.Generate(ctx, llmtest.Ask("one too many"))
	if !errors.Is(err, scripted.ErrExhausted) || llm.IsRetryable(err) {
		t.Fatalf("err = %v, want ErrExhausted", err)
	}

	reqs := m.Requests()
	if m.Calls() != 5 || len(reqs) != 5 || m.Remaining() != 0 {
		t.Fatalf("calls=%d requests=%d remaining=%d", m.Calls(), len(reqs), m.Remaining())
	}
	if got := reqs[2].Messages[0].Parts[0].Text; got != "Sign in with {{secret.password}}." {
		t.Errorf("recorded request changed with the caller's conversation: %q", got)
	}
}

func TestStallEndsWithContext(t *testing.T) {
	m, err := scripted.New(scripted.Config{Steps: []scripted.Step{{Stall: true}, {Text: "ok"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("run cancelled by user")
	done := make(chan error, 1)
	go func() {
		_, err := m.Generate(ctx, llmtest.Ask("hi"))
		done <- err
	}()
	cancel(cause)
	if err := <-done; !errors.Is(err, cause) {
		t.Fatalf("err = %v, want the context's cause", err)
	}
	if resp, err := m.Generate(t.Context(), llmtest.Ask("hi")); err != nil || resp.Text != "ok" {
		t.Fatalf("next step = %+v, %v", resp, err)
	}
}

func TestInvalidRequestIsRejected(t *testing.T) {
	m, err := scripted.New(scripted.Config{Steps: []scripted.Step{{Text: "ok"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Generate(t.Context(), &llm.Request{}); err == nil {
		t.Fatal("empty request accepted")
	}
	if m.Calls() != 0 || m.Remaining() != 1 {
		t.Errorf("an invalid request must not use a step: calls=%d remaining=%d", m.Calls(), m.Remaining())
	}
}

func TestScriptErrors(t *testing.T) {
	for name, tc := range map[string]struct{ json, want string }{
		"unknown field":      {`{"steps":[{"txt":"typo"}]}`, `unknown field "txt"`},
		"no steps":           {`{"steps":[]}`, "no steps"},
		"empty step":         {`{"steps":[{}]}`, "exactly one of"},
		"reply and error":    {`{"steps":[{"text":"a","error":{"status":500}}]}`, "exactly one of"},
		"not an HTTP error":  {`{"steps":[{"error":{"status":200}}]}`, "not an HTTP error status"},
		"bad retry_after":    {`{"steps":[{"error":{"status":429,"retry_after":"soon"}}]}`, "retry_after"},
		"bad tool name":      {`{"steps":[{"tool_calls":[{"name":"do it"}]}]}`, "not a valid tool name"},
		"args not an object": {`{"steps":[{"tool_calls":[{"name":"x","args":[1]}]}]}`, "args must be a JSON object"},
		"duplicate ids":      {`{"steps":[{"tool_calls":[{"id":"a","name":"x"},{"id":"a","name":"y"}]}]}`, "used twice"},
		"bad stop reason":    {`{"steps":[{"text":"a","stop_reason":"done"}]}`, "stop_reason"},
		"cached above input": {`{"steps":[{"text":"a","usage":{"input_tokens":1,"cached_input_tokens":2}}]}`, "can exceed its total"},
		"trailing data":      {`{"steps":[{"text":"a"}]} {}`, "trailing data"},
		"not JSON":           {`steps: []`, "parse model script"},
	} {
		_, err := scripted.Parse([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`{"steps":[{}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := scripted.FromFile(path, false); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("FromFile error should name the file: %v", err)
	}
	if _, err := scripted.FromFile(filepath.Join(t.TempDir(), "missing.json"), false); err == nil {
		t.Error("FromFile accepted a missing file")
	}
	if _, err := scripted.New(scripted.Config{}); err == nil {
		t.Error("New accepted no steps")
	}
}

func TestImagesAreRecordedWhenAccepted(t *testing.T) {
	m, err := scripted.New(scripted.Config{Steps: []scripted.Step{{Text: "ok"}}, AcceptImages: true})
	if err != nil {
		t.Fatal(err)
	}
	if !llm.AcceptsImages(m) {
		t.Fatal("AcceptImages not reported")
	}
	png := llmtest.PNG()
	if _, err := m.Generate(t.Context(), &llm.Request{Messages: []llm.Message{llm.User(llm.Text("see"), llm.PNG(png))}}); err != nil {
		t.Fatal(err)
	}
	if img := m.Requests()[0].Messages[0].Parts[1].Image; img == nil || len(img.Data) != len(png) {
		t.Errorf("recorded image = %+v", img)
	}
}

func TestConcurrentCallersTakeDistinctSteps(t *testing.T) {
	const n = 32
	steps := make([]scripted.Step, n)
	for i := range steps {
		steps[i] = scripted.Step{ToolCalls: []llm.ToolCall{{Name: "step", Args: json.RawMessage(`{}`)}}}
	}
	m, err := scripted.New(scripted.Config{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := m.Generate(t.Context(), llmtest.Ask("hi"))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids[resp.ToolCalls[0].ID] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(ids) != n || m.Remaining() != 0 {
		t.Errorf("distinct call ids = %d, remaining = %d", len(ids), m.Remaining())
	}
}
