package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// A conversation with tools: the model calls a tool, the agent appends the
// reply and the tool's result, and asks again.
func Example_toolLoop() {
	model, err := scripted.New(scripted.Config{Steps: []scripted.Step{
		{ToolCalls: []llm.ToolCall{{Name: "navigate", Args: json.RawMessage(`{"url":"http://127.0.0.1:8080/login"}`)}},
			Usage: llm.Usage{InputTokens: 900, OutputTokens: 25}},
		{Text: "The login page is shown.", Usage: llm.Usage{InputTokens: 1100, OutputTokens: 12}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	req := &llm.Request{
		System:   "You test web applications.",
		Messages: []llm.Message{llm.User(llm.Text("Open the login page."))},
		Tools: []llm.Tool{{
			Name:       "navigate",
			Parameters: json.RawMessage(`{"type":"object","properties":{"url":{"type":"string"}},"required":["url"]}`),
		}},
	}
	var used llm.Usage
	for {
		resp, err := model.Generate(ctx, req)
		if err != nil {
			fmt.Println(err)
			return
		}
		used = used.Add(resp.Usage)
		if len(resp.ToolCalls) == 0 {
			fmt.Println(resp.Text)
			break
		}
		req.Messages = append(req.Messages, resp.Message())
		for _, call := range resp.ToolCalls {
			fmt.Printf("%s %s\n", call.Name, call.Args)
			req.Messages = append(req.Messages, llm.ToolResults(llm.ToolResult{CallID: call.ID, Content: "loaded /login"}))
		}
	}
	fmt.Println("tokens:", used.Total())
	// Output:
	// navigate {"url":"http://127.0.0.1:8080/login"}
	// The login page is shown.
	// tokens: 2037
}

// WithRetry retries a rate limit after the server's Retry-After and an outage
// after the computed backoff; a fake clock shows the waits without sleeping.
func ExampleWithRetry() {
	model, err := scripted.New(scripted.Config{Steps: []scripted.Step{
		{Error: &scripted.Failure{Status: 429, RetryAfter: "3"}},
		{Error: &scripted.Failure{Status: 503}},
		{Text: "The welcome banner is shown."},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := llmtest.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	m, err := llm.WithRetry(model, llm.RetryConfig{Clock: clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := m.Generate(context.Background(), &llm.Request{Messages: []llm.Message{llm.User(llm.Text("Is the banner shown?"))}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Text)
	fmt.Println(clock.Sleeps())
	// Output:
	// The welcome banner is shown.
	// [3s 10s]
}

// When the retries run out the error matches ErrUnavailable: the agent ends
// with verdict "error", not "failed".
func ExampleErrUnavailable() {
	var steps []scripted.Step
	for range 6 {
		steps = append(steps, scripted.Step{Error: &scripted.Failure{Status: 503, Message: "backend overloaded"}})
	}
	model, err := scripted.New(scripted.Config{Label: "demo", Steps: steps})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := llm.WithRetry(model, llm.RetryConfig{Clock: llmtest.NewClock(time.Now())})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = m.Generate(context.Background(), &llm.Request{Messages: []llm.Message{llm.User(llm.Text("hi"))}})
	fmt.Println(errors.Is(err, llm.ErrUnavailable))
	fmt.Println(err)
	// Output:
	// true
	// model scripted:demo unreachable after 6 attempts: scripted: HTTP 503 Service Unavailable: backend overloaded
}
