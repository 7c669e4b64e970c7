package agent_test

import (
	"strings"
	"testing"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/suite"
)

// The settings app of the adversarial tests: a form whose Save leads to a
// page saying "Saved" — on /saved after a save the server took, on
// /broken after one it answered 500 (the page says "Saved" all the same).
const (
	appBase     = "http://app.test"
	settingsURL = appBase + "/settings"
)

func settingsPages() map[string]browsertest.FakePage {
	doc := func(url string) browser.NetworkEvent {
		return browser.NetworkEvent{Method: "GET", URL: url, Status: 200, Document: true}
	}
	return map[string]browsertest.FakePage{
		settingsURL: {Title: "Settings", Text: "Settings\nDisplay name", Elements: []browser.Element{
			{Tag: "input", Role: "textbox", Name: "Display name"},
			{Tag: "a", Role: "link", Name: "Save", Href: appBase + "/saved"},
			{Tag: "a", Role: "link", Name: "Save anyway", Href: appBase + "/broken"},
		}, Requests: []browser.NetworkEvent{
			doc(settingsURL),
			// Noise that bears on nothing: the browser's own favicon
			// fetch and a third-party widget.
			{Method: "GET", URL: appBase + "/favicon.ico", Status: 404},
			{Method: "GET", URL: "https://widgets.example.net/chat.js", Status: 503},
		}},
		appBase + "/saved": {Title: "Settings", Text: "Saved", Requests: []browser.NetworkEvent{
			{Method: "POST", URL: appBase + "/api/settings", Status: 204},
			doc(appBase + "/saved"),
		}},
		appBase + "/broken": {Title: "Settings", Text: "Saved", Requests: []browser.NetworkEvent{
			{Method: "POST", URL: appBase + "/api/settings", Status: 500},
			doc(appBase + "/broken"),
		}},
	}
}

// scriptedModel serves steps through the scripted provider.
func scriptedModel(t *testing.T, steps ...scripted.Step) *scripted.Model {
	t.Helper()
	m, err := scripted.New(scripted.Config{Label: t.Name(), Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func runSettings(t *testing.T, a *agent.Agent, task agent.Task) *agent.Result {
	t.Helper()
	task.Name, task.BaseURL, task.StartURL = "Save settings", appBase, settingsURL
	if task.Key == "" {
		task.Key = "a123456789abcdef0123"
	}
	res, err := a.Run(t.Context(), browsertest.NewFakeSession(settingsPages()), task, agent.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestAdversarialModelsNeverPass runs models that try to pass a test they
// have not shown to pass: every one must end failed or error, never passed.
func TestAdversarialModelsNeverPass(t *testing.T) {
	t.Parallel()
	finish := call("finish", map[string]any{"verdict": "passed", "summary": "Everything works."})
	withCheckpoint := agent.Task{Goal: "Change the display name and save it.", Checkpoints: []string{"the page says the settings were saved"}}
	noCheckpoint := agent.Task{Goal: "Change the display name and save it."}
	for _, c := range []struct {
		name   string
		task   agent.Task
		script []scripted.Step
		reason string
	}{
		{"claims passed without asserting the checkpoint", withCheckpoint,
			[]scripted.Step{finish, finish}, "unverified"},
		{"asserts a checkpoint that does not exist", withCheckpoint, []scripted.Step{
			call("assert", map[string]any{"check": "url", "value": "/settings", "checkpoint": "the moon is made of cheese"}),
			finish, finish}, "unverified"},
		{"ignores the 500 behind the page that says Saved", withCheckpoint, []scripted.Step{
			call("type", map[string]any{"index": 1, "text": "Ada"}),
			call("click", map[string]any{"index": 3}),
			call("assert", map[string]any{"check": "text", "value": "Saved", "checkpoint": "the page says the settings were saved"}),
			finish}, "server_error"},
		{"asserts text that is not on the page", noCheckpoint, []scripted.Step{
			call("assert", map[string]any{"check": "text", "value": "Your settings were saved"}),
			finish, finish}, "unverified"},
		{"asserts text that is not on the page for a checkpoint", withCheckpoint, []scripted.Step{
			call("assert", map[string]any{"check": "text", "value": "Your settings were saved", "checkpoint": "the page says the settings were saved"}),
			finish, finish}, "unverified"},
		{"claims passed on a goal without checkpoints, checking nothing", noCheckpoint,
			[]scripted.Step{finish, finish}, "unverified"},
		{"proves only an absence", noCheckpoint, []scripted.Step{
			call("assert", map[string]any{"check": "no_text", "value": "Error"}),
			call("assert", map[string]any{"check": "no_console_errors"}),
			finish, finish}, "unverified"},
		{"keeps claiming until its script runs out", noCheckpoint,
			[]scripted.Step{finish}, "model"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := runSettings(t, newAgent(t, scriptedModel(t, c.script...), nil), c.task)
			if res.Verdict == agent.VerdictPassed {
				t.Fatalf("false pass: %s", res.Summary)
			}
			if res.Verdict != agent.VerdictFailed && res.Verdict != agent.VerdictError {
				t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
			}
			if res.Reason != c.reason {
				t.Errorf("reason %q, want %q: %s", res.Reason, c.reason, res.Summary)
			}
		})
	}
}

// TestHonestModelPasses is the control of TestAdversarialModelsNeverPass:
// the same guards let a pass through when Argus verified it, and the noise
// of the page (a missing favicon, a third-party 503) does not fail it.
func TestHonestModelPasses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		task agent.Task
	}{
		{"with a checkpoint", agent.Task{Goal: "Change the display name and save it.", Checkpoints: []string{"the page says the settings were saved"}}},
		{"without checkpoints", agent.Task{Goal: "Change the display name and save it."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			model := scriptedModel(t,
				call("type", map[string]any{"index": 1, "text": "Ada"}),
				call("click", map[string]any{"index": 2}),
				call("assert", map[string]any{"check": "text", "value": "Saved", "checkpoint": "the page says the settings were saved"}),
				call("assert", map[string]any{"check": "no_failed_app_requests"}),
				call("finish", map[string]any{"verdict": "passed", "summary": "Saved."}),
			)
			res := runSettings(t, newAgent(t, model, nil), c.task)
			if res.Verdict != agent.VerdictPassed {
				t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
			}
		})
	}
}

// TestModelUnreachableSummaryHasNoPageEvidence: an error the model caused
// says so, without the page's failed requests, which have nothing to do
// with it; a failure keeps them.
func TestModelUnreachableSummaryHasNoPageEvidence(t *testing.T) {
	t.Parallel()
	model := scriptedModel(t, scripted.Step{Error: &scripted.Failure{Status: 503}})
	res := runSettings(t, newAgent(t, model, nil), agent.Task{Goal: "Save the settings."})
	if res.Verdict != agent.VerdictError || res.Reason != "model" || !strings.Contains(res.Summary, "model could not be reached") {
		t.Fatalf("verdict %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
	if strings.Contains(res.Summary, "failed request") {
		t.Errorf("the summary of a model error carries page evidence: %s", res.Summary)
	}
	model = scriptedModel(t, call("finish", map[string]any{"verdict": "failed", "summary": "The chat widget is missing."}))
	res = runSettings(t, newAgent(t, model, nil), agent.Task{Goal: "Save the settings."})
	if res.Verdict != agent.VerdictFailed || !strings.Contains(res.Summary, "failed request(s), last: GET https://widgets.example.net/chat.js → 503") {
		t.Fatalf("a failure's summary lost its evidence: %s (%s): %s", res.Verdict, res.Reason, res.Summary)
	}
}

// TestNoFailedRequestsStep checks the step and its app-origin form on the
// settings pages, without a model.
func TestNoFailedRequestsStep(t *testing.T) {
	t.Parallel()
	a := newAgent(t, nil, nil)
	for _, c := range []struct {
		steps  string
		want   agent.Verdict
		detail string
	}{
		// The third-party widget's 503 fails the plain form only.
		{`expect no failed requests`, agent.VerdictFailed, "chat.js → 503"},
		{`expect no failed requests from the app`, agent.VerdictPassed, ""},
		{`click "Save"|expect no failed requests from the app`, agent.VerdictPassed, ""},
		{`click "Save anyway"|expect text "Saved"|expect no failed requests from the app`, agent.VerdictFailed, "POST http://app.test/api/settings → 500"},
	} {
		var steps []suite.Step
		for _, src := range strings.Split(c.steps, "|") {
			st, err := suite.ParseStep(src)
			if err != nil {
				t.Fatal(err)
			}
			steps = append(steps, st)
		}
		res := runSettings(t, a, agent.Task{Steps: steps})
		if res.Verdict != c.want || !strings.Contains(res.Summary, c.detail) {
			t.Errorf("%s: verdict %s (%s): %s", c.steps, res.Verdict, res.Reason, res.Summary)
		}
		if c.want == agent.VerdictFailed && res.Reason != "expectation" {
			t.Errorf("%s: reason %q", c.steps, res.Reason)
		}
	}
}
