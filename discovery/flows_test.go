package discovery

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/suite"
)

func flowsCall(t *testing.T, flows ...map[string]any) scripted.Step {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"flows": flows})
	if err != nil {
		t.Fatal(err)
	}
	return scripted.Step{ToolCalls: []llm.ToolCall{{Name: flowsTool, Args: raw}}, Usage: llm.Usage{InputTokens: 900, OutputTokens: 120}}
}

// TestFlowsPhase: a scripted model reads the map summary (paths, forms,
// links, the sign-in with its placeholder) and names journeys; those over
// mapped pages become goal-and-checkpoint tests that parse as a test file,
// the others are dropped.
func TestFlowsPhase(t *testing.T) {
	res := &Result{
		Map: &Map{BaseURL: "http://shop.test", Pages: []Page{
			{Path: "/", Title: "Shop", Headings: []string{"Welcome"}},
			{Path: "/login", Title: "Log in", SignIn: true, Forms: []Form{{Name: "Log in", Method: "post", Kind: "sign-in",
				Fields: []Field{{Label: "Email", Type: "email", Required: true}, {Label: "Password", Type: "password", Required: true}}, Submits: []string{"Log in"}}}},
			{Path: "/dashboard", Title: "Dashboard"},
			{Path: "/products", Title: "Products", Forms: []Form{{Name: "Search", Method: "get", Kind: "search", Fields: []Field{{Label: "Search", Type: "search"}}}}},
		}, Links: []Link{{From: "/", To: "/login", Text: "Log in"}, {From: "/", To: "/products", Text: "Products"}},
			AuthWalls: []AuthWall{{Path: "/dashboard", SignIn: "/login"}}},
		SignIn: &SignIn{Path: "/login", Username: "demo@example.com", Secret: "demo_password"},
	}
	model, err := scripted.New(scripted.Config{Steps: []scripted.Step{flowsCall(t,
		map[string]any{"name": "Sign in and see the dashboard", "pages": []string{"/login", "/dashboard"},
			"goal":        "Sign in as demo@example.com with {{secret.demo_password}} and open the dashboard.",
			"checkpoints": []string{"the dashboard greets the user"}},
		map[string]any{"name": "Search for a product", "pages": []string{"/", "/products"}, "goal": "Search the products for a lamp and check results are listed."},
		map[string]any{"name": "Check out", "pages": []string{"/cart", "/checkout"}, "goal": "Buy something."},
		map[string]any{"name": "", "pages": []string{"/"}, "goal": "nameless"},
	)}})
	if err != nil {
		t.Fatal(err)
	}
	flows, usage, err := findFlows(t.Context(), model, res)
	if err != nil {
		t.Fatal(err)
	}
	if usage.InputTokens != 900 {
		t.Errorf("usage %+v", usage)
	}
	if len(flows) != 2 || flows[0].Name != "Sign in and see the dashboard" || flows[1].Pages[1] != "/products" {
		t.Fatalf("flows kept: %+v", flows)
	}
	req := model.Requests()[0]
	summary := req.Messages[0].Parts[0].Text
	for _, want := range []string{"- /dashboard \"Dashboard\" (needs sign-in at /login)", `form "Log in" (sign-in, post): Email [email] required, Password [password] required; buttons: Log in`,
		`- / → /products "Products"`, "{{secret.demo_password}}"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the model's summary lacks %q:\n%s", want, summary)
		}
	}
	if req.ToolChoice != llm.ToolChoiceRequired || len(req.Tools) != 1 || req.Tools[0].Name != flowsTool {
		t.Errorf("request tools %+v %s", req.Tools, req.ToolChoice)
	}
	res.Tests = flowSuggestions(flows)
	src := res.SuggestedYAML()
	tests, err := suite.Parse("suggested.yaml", src)
	if err != nil {
		t.Fatalf("the flows do not parse as a test file: %v\n%s", err, src)
	}
	if len(tests) != 2 || tests[0].Goal == "" || len(tests[0].Checkpoints) != 1 || tests[0].URL != "/login" || !tests[0].NeedsModel() {
		t.Fatalf("tests %+v\n%s", tests[0], src)
	}
}

// TestFlowsModelFailure: a model that does not call the tool yields no
// flows and an error the map records; the rest of the result stands.
func TestFlowsModelFailure(t *testing.T) {
	model, err := scripted.New(scripted.Config{Steps: []scripted.Step{{Text: "I would rather not."}}})
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Map: &Map{BaseURL: "http://shop.test", Pages: []Page{{Path: "/"}}}}
	if fs, _, err := findFlows(t.Context(), model, res); err == nil || len(fs) != 0 {
		t.Fatalf("flows %v, err %v", fs, err)
	}
}
