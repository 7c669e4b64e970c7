package anthropic_test

import (
	"context"
	"fmt"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/anthropic"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

func ExampleNew() {
	srv, err := llmtest.StartAnthropic(scripted.Step{Text: "I see a sign-in form.", Usage: llm.Usage{InputTokens: 1500, OutputTokens: 8}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	m, err := anthropic.New(anthropic.Config{
		Model:        "claude-sonnet-4-5",
		APIKey:       llmtest.APIKey, // ANTHROPIC_API_KEY in production
		BaseURL:      srv.BaseURL(),  // default https://api.anthropic.com
		AcceptImages: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := m.Generate(context.Background(), &llm.Request{
		Messages: []llm.Message{llm.User(llm.Text("Describe the page."), llm.PNG(llmtest.PNG()))},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Text, resp.Usage.InputTokens)
	// Output: I see a sign-in form. 1500
}
