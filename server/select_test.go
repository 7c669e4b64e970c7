package server_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/api"
)

// Regression selection without a model, on the demo suite's covers: globs:
// a change to the demo app's templates picks the tests of those pages,
// with reasons, at most limit; a change nothing covers picks nothing; a
// tag named by a commit message counts; without dry_run the picked tests
// run.
func TestSelectFromDemoSuite(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	k := key(a.memberKey)
	proj := "/api/v1/projects/" + a.project.ID.String()

	syncDemoSuite(t, e, proj, k)
	pick := picker(t, e, proj, k)

	sel := pick(map[string]any{"changed_files": []string{"demo/app/templates/products.html"}, "dry_run": true}, http.StatusOK)
	want := []string{"A search can be opened from its link", "Find the price of the ergonomic mouse",
		"Search filters the product list as you type", "Searching for something not sold says so"}
	if !slices.Equal(names(sel), want) || sel.Method != "covers" || sel.Run != nil {
		t.Fatalf("products.html: %+v; want %q", sel, want)
	}
	for _, s := range sel.Tests {
		if s.Reason != "covers demo/app/templates/products.html matches demo/app/templates/products.html" {
			t.Errorf("reason %q", s.Reason)
		}
	}

	// More matched paths rank first.
	sel = pick(map[string]any{"changed_files": []string{"demo/app/templates/signup.html", "demo/app/forms.go"}, "dry_run": true}, http.StatusOK)
	if got := names(sel); len(got) < 3 || got[0] != "Sign-up explains what is wrong with the form" {
		t.Fatalf("signup change: %q", got)
	}
	if !strings.Contains(sel.Tests[0].Reason, "and 1 more changed files") {
		t.Errorf("reason %q", sel.Tests[0].Reason)
	}

	// The limit.
	sel = pick(map[string]any{"changed_files": []string{"demo/app/templates/products.html"}, "limit": 2, "dry_run": true}, http.StatusOK)
	if len(sel.Tests) != 2 {
		t.Fatalf("limit 2: %q", names(sel))
	}
	// Five at most by default.
	sel = pick(map[string]any{"changed_files": []string{"demo/app/templates/products.html", "demo/app/templates/login.html", "demo/app/templates/settings.html"}, "dry_run": true}, http.StatusOK)
	if len(sel.Tests) != 5 {
		t.Fatalf("default limit: %q", names(sel))
	}

	// Nothing covers the README; a commit naming a tag picks its tests.
	if sel = pick(map[string]any{"changed_files": []string{"README.md"}}, http.StatusOK); len(sel.Tests) != 0 || sel.Run != nil {
		t.Fatalf("README change: %+v", sel)
	}
	sel = pick(map[string]any{"changed_files": []string{"README.md"}, "commits": []map[string]string{{"message": "Settings: keep the toggle"}}, "dry_run": true}, http.StatusOK)
	if got := names(sel); !slices.Equal(got, []string{"Save notification settings"}) || !strings.Contains(sel.Tests[0].Reason, "tag settings") {
		t.Fatalf("commit naming a tag: %+v", sel)
	}

	// Not a dry run: the picked tests run.
	before, _ := e.sched.counts()
	sel = pick(map[string]any{"changed_files": []string{"demo/app/templates/products.html"}, "limit": 2, "commit_sha": "abc123"}, http.StatusCreated)
	if sel.Run == nil || len(sel.Run.Agents) != 2 || sel.Run.CommitSHA != "abc123" {
		t.Fatalf("run of the selection: %+v", sel.Run)
	}
	if after, _ := e.sched.counts(); after-before != 2 {
		t.Fatalf("%d agents queued", after-before)
	}
	// The choice is recorded on the run, reasons included.
	var run api.Run
	e.do("GET", "/api/v1/runs/"+sel.Run.ID.String(), k, nil).json(t, &run)
	if rs := run.Selection; rs == nil || rs.Method != "covers" || rs.ChangedFiles != 1 || len(rs.Tests) != 2 ||
		rs.Tests[0].Name != sel.Tests[0].Name || rs.Tests[0].Reason != sel.Tests[0].Reason {
		t.Fatalf("selection on the run: %+v", run.Selection)
	}

	// Editing a test without covers keeps its globs.
	var list struct {
		Items []api.Test `json:"items"`
	}
	e.do("GET", proj+"/tests?q=find+the+price+of+the+ergonomic", k, nil).json(t, &list)
	if len(list.Items) != 1 || !slices.Equal(list.Items[0].Covers, []string{"demo/app/templates/products.html"}) {
		t.Fatalf("test view: %+v", list.Items)
	}
	tc := list.Items[0]
	if r := e.do("PUT", "/api/v1/tests/"+tc.ID.String(), k, map[string]any{"name": tc.Name, "goal": tc.Goal + " Quickly."}); r.status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	var got api.Test
	e.do("GET", "/api/v1/tests/"+tc.ID.String(), k, nil).json(t, &got)
	if !slices.Equal(got.Covers, tc.Covers) {
		t.Fatalf("covers after PUT without them: %q", got.Covers)
	}

	// Bad input: 400 problems.
	for _, body := range []string{`{}`, `{"changed_files": ["a"], "limit": 99}`, `{"changed_files": [""]}`, `{"changed_files": "a"}`} {
		if r := e.do("POST", proj+"/select", k, body); r.status != http.StatusBadRequest || !isProblem(r) {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
}

func syncDemoSuite(t *testing.T, e *env, proj string, k cred) {
	t.Helper()
	paths, err := filepath.Glob("../demo/suite/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("demo suite: %v", err)
	}
	var files []map[string]string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, map[string]string{"path": "demo/suite/" + filepath.Base(p), "content": string(b)})
	}
	if r := e.do("POST", proj+"/test-files", k, map[string]any{"files": files}); r.status != http.StatusOK {
		t.Fatalf("sync: %d %s", r.status, r.body)
	}
}

func picker(t *testing.T, e *env, proj string, k cred) func(body map[string]any, wantStatus int) api.Selection {
	return func(body map[string]any, wantStatus int) api.Selection {
		t.Helper()
		r := e.do("POST", proj+"/select", k, body)
		if r.status != wantStatus {
			t.Fatalf("select %v: %d %s", body, r.status, r.body)
		}
		var sel api.Selection
		r.json(t, &sel)
		return sel
	}
}

func names(sel api.Selection) []string {
	var out []string
	for _, s := range sel.Tests {
		out = append(out, s.Name)
	}
	return out
}

// With a model configured, the model ranks: a scripted model reads the
// change and the demo suite's tests (with their covers: globs) and picks
// a test no glob names, which the run records with the model's reason. A
// model that names a test the project lacks, or fails, leaves the choice
// to the covers: rules, and the answer and the run say why.
func TestSelectWithScriptedModel(t *testing.T) {
	call := func(args string) scripted.Step {
		return scripted.Step{ToolCalls: []llm.ToolCall{{Name: "select_tests", Args: json.RawMessage(args)}}}
	}
	model, err := scripted.New(scripted.Config{Label: "ranker", Steps: []scripted.Step{
		call(`{"tests":[{"name":"Find the price of the ergonomic mouse","reason":"products.html renders the price"},
			{"name":"Log out","reason":"the header with the log-out link is in products.html"}]}`),
		call(`{"tests":[{"name":"Checkout works","reason":"invented"}]}`),
		{Error: &scripted.Failure{Status: 503}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *envConfig) { c.App.SelectionModel = model })
	a := e.world("acme")
	k := key(a.memberKey)
	proj := "/api/v1/projects/" + a.project.ID.String()
	syncDemoSuite(t, e, proj, k)
	pick := picker(t, e, proj, k)
	change := map[string]any{"changed_files": []string{"demo/app/templates/products.html"},
		"commits": []map[string]string{{"message": "Products: show prices with two decimals"}}}

	sel := pick(change, http.StatusCreated)
	if sel.Method != "model" || sel.Model != "scripted:ranker" || sel.Fallback != "" ||
		!slices.Equal(names(sel), []string{"Find the price of the ergonomic mouse", "Log out"}) ||
		sel.Tests[1].Reason != "the header with the log-out link is in products.html" {
		t.Fatalf("the model's selection: %+v", sel)
	}
	var run api.Run
	e.do("GET", "/api/v1/runs/"+sel.Run.ID.String(), k, nil).json(t, &run)
	if rs := run.Selection; rs == nil || rs.Method != "model" || rs.Model != "scripted:ranker" || len(rs.Tests) != 2 ||
		rs.Tests[1].Reason != sel.Tests[1].Reason || rs.Commits != 1 {
		t.Fatalf("selection on the run: %+v", run.Selection)
	}
	req := model.Requests()[0]
	prompt := req.Messages[0].Parts[0].Text
	for _, want := range []string{"demo/app/templates/products.html", "Products: show prices with two decimals",
		"## Log out", "covers: demo/app/templates/products.html", "Pick at most 5 tests"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("the model's prompt lacks %q:\n%s", want, prompt)
		}
	}
	if len(req.Tools) != 1 || req.ToolChoice != llm.ToolChoiceRequired {
		t.Errorf("the model was not made to call select_tests: %+v", req.Tools)
	}

	rules := []string{"A search can be opened from its link", "Find the price of the ergonomic mouse",
		"Search filters the product list as you type", "Searching for something not sold says so"}
	for _, want := range []string{"not one of the project's tests", "failed"} {
		sel = pick(change, http.StatusCreated)
		if sel.Method != "covers" || !strings.Contains(sel.Fallback, want) || !slices.Equal(names(sel), rules) {
			t.Fatalf("fallback (%s): %+v", want, sel)
		}
		e.do("GET", "/api/v1/runs/"+sel.Run.ID.String(), k, nil).json(t, &run)
		if run.Selection == nil || run.Selection.Fallback != sel.Fallback {
			t.Fatalf("fallback on the run: %+v", run.Selection)
		}
	}
}

// A test's priority: saved through the API (1 to 5, else 400), kept by a
// PUT that omits it, and read back from a synced file.
func TestTestPriority(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	k := key(a.memberKey)
	proj := "/api/v1/projects/" + a.project.ID.String()
	r := e.do("POST", proj+"/tests", k, map[string]any{"name": "Pay by card", "goal": "Pay.", "priority": 5})
	var tc api.Test
	r.json(t, &tc)
	if r.status != http.StatusCreated || tc.Priority != 5 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := e.do("PUT", "/api/v1/tests/"+tc.ID.String(), k, map[string]any{"name": "Pay by card", "goal": "Pay now."}); r.status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	var got api.Test
	e.do("GET", "/api/v1/tests/"+tc.ID.String(), k, nil).json(t, &got)
	if got.Priority != 5 || got.Goal != "Pay now." {
		t.Fatalf("after a PUT without priority: %+v", got)
	}
	if r := e.do("POST", proj+"/tests", k, map[string]any{"name": "Bad", "goal": "x", "priority": 9}); r.status != http.StatusBadRequest || !isProblem(r) {
		t.Fatalf("priority 9: %d %s", r.status, r.body)
	}
	files := []map[string]string{{"path": "a.yaml", "content": "name: About\ngoal: Read.\npriority: 1\n---\nname: Help\ngoal: Ask.\n"}}
	if r := e.do("POST", proj+"/test-files", k, map[string]any{"files": files}); r.status != http.StatusOK {
		t.Fatalf("sync: %d %s", r.status, r.body)
	}
	var list struct {
		Items []api.Test `json:"items"`
	}
	e.do("GET", proj+"/tests?limit=200", k, nil).json(t, &list)
	byName := map[string]int{}
	for _, x := range list.Items {
		byName[x.Name] = x.Priority
	}
	if byName["About"] != 1 || byName["Help"] != 3 {
		t.Fatalf("synced priorities: %v", byName)
	}
}
