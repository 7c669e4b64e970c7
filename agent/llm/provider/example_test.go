package provider_test

import (
	"context"
	"fmt"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/provider"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// The model is chosen by ARGUS_MODEL and the provider's usual variables.
// Here a local fake chat completions server stands in for the provider, the
// way end-to-end tests run the whole agent.
func ExampleFromEnv() {
	srv, err := llmtest.StartOpenAI(scripted.Step{Text: "The page title is Argus.", Usage: llm.Usage{InputTokens: 420, OutputTokens: 9}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	vars := map[string]string{ // os.Getenv in the real program
		"ARGUS_MODEL":     "openai:gpt-4.1",
		"OPENAI_API_KEY":  llmtest.APIKey,
		"OPENAI_BASE_URL": srv.BaseURL(),
	}
	cfg, err := provider.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := provider.New(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := model.Generate(context.Background(), &llm.Request{
		Messages: []llm.Message{llm.User(llm.Text("What is the page title?"))},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(model.Name(), llm.AcceptsImages(model))
	fmt.Println(resp.Text, resp.Usage.Total())
	// Output:
	// openai:gpt-4.1 true
	// The page title is Argus. 429
}

// A missing key is reported with the variable to set.
func ExampleFromEnv_missingKey() {
	_, err := provider.FromEnv(func(k string) string {
		return map[string]string{"ARGUS_MODEL": "anthropic:claude-sonnet-4-5"}[k]
	})
	fmt.Println(err)
	// Output:
	// ARGUS_MODEL=anthropic:claude-sonnet-4-5 needs an Anthropic API key: set ANTHROPIC_API_KEY, e.g. "sk-ant-..."
}
