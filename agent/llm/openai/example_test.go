package openai_test

import (
	"context"
	"fmt"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// Any OpenAI-compatible endpoint works; here a local Ollama-style server
// without authentication.
func ExampleNew() {
	srv, err := llmtest.StartOpenAI(scripted.Step{Text: "Hello from the local model."})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.SetAPIKey("")

	m, err := openai.New(openai.Config{
		Provider:        "ollama",
		Model:           "qwen2.5:7b",
		BaseURL:         srv.BaseURL(), // http://127.0.0.1:11434/v1 for a real Ollama
		LegacyMaxTokens: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := m.Generate(context.Background(), &llm.Request{Messages: []llm.Message{llm.User(llm.Text("Hi"))}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Name()+":", resp.Text)
	// Output: ollama:qwen2.5:7b: Hello from the local model.
}
