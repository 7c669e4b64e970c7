package scripted_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// A scripted model lets an agent test assert what the model was sent, e.g.
// that it saw the secret's placeholder and never its value.
func ExampleNew() {
	model, err := scripted.New(scripted.Config{Label: "login", Steps: []scripted.Step{{
		ToolCalls: []llm.ToolCall{{Name: "type_text", Args: json.RawMessage(`{"index":3,"text":"{{secret.password}}"}`)}},
		Usage:     llm.Usage{InputTokens: 800, OutputTokens: 30},
	}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := model.Generate(context.Background(), &llm.Request{
		Messages: []llm.Message{llm.User(llm.Text("Sign in; the password is {{secret.password}}."))},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.ToolCalls[0].ID, resp.ToolCalls[0].Name, string(resp.ToolCalls[0].Args))
	sent := model.Requests()[0].Messages[0].Parts[0].Text
	fmt.Println(model.Calls(), strings.Contains(sent, "{{secret.password}}"))
	// Output:
	// call_1 type_text {"index":3,"text":"{{secret.password}}"}
	// 1 true
}
