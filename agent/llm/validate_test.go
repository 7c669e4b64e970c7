package llm_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
)

var clickTool = llm.Tool{Name: "click", Parameters: json.RawMessage(`{"type":"object","properties":{"index":{"type":"integer"}}}`)}

func TestValidConversation(t *testing.T) {
	temp := 0.0
	req := &llm.Request{
		System: "You are a QA agent.",
		Messages: []llm.Message{
			llm.User(llm.Text("Sign in."), llm.PNG(llmtest.PNG())),
			llm.Assistant(llm.Text("Clicking."), llm.Call("c1", "click", json.RawMessage(`{"index":1}`)), llm.Call("c2", "click", nil)),
			llm.ToolResults(llm.ToolResult{CallID: "c2", Content: "clicked"}),
			llm.ToolResults(llm.ToolResult{CallID: "c1", Content: "gone", IsError: true}),
			llm.User(llm.Text("Now on /home.")),
			llm.Assistant(llm.Text("Checking.")),
			llm.User(llm.Text("Go on.")),
		},
		Tools:       []llm.Tool{clickTool, {Name: "finish"}},
		ToolChoice:  llm.ToolChoiceRequired,
		Temperature: &temp,
	}
	if err := req.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidRequests(t *testing.T) {
	user := llm.User(llm.Text("hi"))
	call := llm.Assistant(llm.Call("c1", "click", nil))
	answer := llm.ToolResults(llm.ToolResult{CallID: "c1", Content: "ok"})
	hot := 2.5
	for _, tc := range []struct {
		name string
		req  *llm.Request
		want string
	}{
		{"nil", nil, "request is nil"},
		{"no messages", &llm.Request{}, "no messages"},
		{"empty message", &llm.Request{Messages: []llm.Message{{Role: llm.RoleUser}}}, "has no parts"},
		{"starts with the assistant", &llm.Request{Messages: []llm.Message{llm.Assistant(llm.Text("hello")), user}}, "must start with a user message"},
		{"empty part", &llm.Request{Messages: []llm.Message{llm.User(llm.Part{})}}, "part is empty"},
		{"two kinds in one part", &llm.Request{Messages: []llm.Message{llm.User(llm.Part{Text: "a", Image: &llm.Image{}})}}, "more than one"},
		{"unknown role", &llm.Request{Messages: []llm.Message{{Role: "system", Parts: []llm.Part{llm.Text("x")}}}}, `role "system" is invalid`},
		{"tool call in user message", &llm.Request{Messages: []llm.Message{llm.User(llm.Call("c1", "click", nil))}}, "user messages cannot hold tool call parts"},
		{"tool results first", &llm.Request{Messages: []llm.Message{answer}}, "must follow an assistant message"},
		{"image from assistant", &llm.Request{Messages: []llm.Message{user, llm.Assistant(llm.PNG(llmtest.PNG())), user}}, "assistant messages cannot hold image parts"},
		{"unanswered call", &llm.Request{Messages: []llm.Message{user, call}}, "c1 of the last assistant message have no results"},
		{"call answered too late", &llm.Request{Messages: []llm.Message{user, call, user, answer}}, "have no results; answer them"},
		{"result without call", &llm.Request{Messages: []llm.Message{user, answer}}, "must follow an assistant message"},
		{"result for another call", &llm.Request{Messages: []llm.Message{user, call, llm.ToolResults(llm.ToolResult{CallID: "c9"})}}, `"c9" answers no open call`},
		{"duplicate call id", &llm.Request{Messages: []llm.Message{user, call, answer, user, call, answer}}, `"c1" is used twice`},
		{"call without id", &llm.Request{Messages: []llm.Message{user, llm.Assistant(llm.Call("", "click", nil))}}, "needs an id and a name"},
		{"ends with assistant", &llm.Request{Messages: []llm.Message{user, llm.Assistant(llm.Text("done"))}}, "ends with an assistant message"},
		{"signature on a call part", &llm.Request{Messages: []llm.Message{user, {Role: llm.RoleAssistant, Parts: []llm.Part{{ToolCall: &llm.ToolCall{ID: "c1", Name: "x"}, Signature: []byte("s")}}}, answer}}, "cannot carry a signature"},
		{"gif", &llm.Request{Messages: []llm.Message{llm.User(llm.Part{Image: &llm.Image{MIMEType: "image/gif", Data: []byte("GIF89a")}})}}, "image/gif"},
		{"JPEG that is a PNG", &llm.Request{Messages: []llm.Message{llm.User(llm.JPEG(llmtest.PNG()))}}, "bytes look like image/png"},
		{"empty image", &llm.Request{Messages: []llm.Message{llm.User(llm.PNG(nil))}}, "no data"},
		{"bad tool name", &llm.Request{Messages: []llm.Message{user}, Tools: []llm.Tool{{Name: "click element"}}}, "tool name"},
		{"duplicate tool", &llm.Request{Messages: []llm.Message{user}, Tools: []llm.Tool{clickTool, clickTool}}, "declared twice"},
		{"schema not an object", &llm.Request{Messages: []llm.Message{user}, Tools: []llm.Tool{{Name: "t", Parameters: json.RawMessage(`{"type":"string"}`)}}}, `"type": "object"`},
		{"schema not JSON", &llm.Request{Messages: []llm.Message{user}, Tools: []llm.Tool{{Name: "t", Parameters: json.RawMessage(`{`)}}}, "JSON Schema object"},
		{"required without tools", &llm.Request{Messages: []llm.Message{user}, ToolChoice: llm.ToolChoiceRequired}, "needs at least one tool"},
		{"unknown tool choice", &llm.Request{Messages: []llm.Message{user}, ToolChoice: "any"}, `tool choice "any" is invalid`},
		{"negative cap", &llm.Request{Messages: []llm.Message{user}, MaxOutputTokens: -1}, "negative"},
		{"temperature too high", &llm.Request{Messages: []llm.Message{user}, Temperature: &hot}, "outside [0, 2]"},
	} {
		err := tc.req.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestToolSchemaDefaults(t *testing.T) {
	s, err := llm.Tool{Name: "finish"}.Schema()
	if err != nil || s["type"] != "object" || s["properties"] == nil {
		t.Fatalf("Schema() = %v, %v", s, err)
	}
	s["mutated"] = true
	if again, _ := (llm.Tool{Name: "finish"}).Schema(); again["mutated"] != nil {
		t.Error("Schema() must return a fresh map")
	}
	s, err = llm.Tool{Name: "t", Parameters: json.RawMessage(`{"type":"object"}`)}.Schema()
	if err != nil || s["properties"] == nil {
		t.Errorf("a schema without properties gets an empty set: %v, %v", s, err)
	}
}
