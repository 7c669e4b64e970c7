package report

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/suite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// xssName is a test name that would run script if any report failed to
// escape it.
const xssName = `<img src=x onerror=alert(1)>`

// fixtureSuite is a small suite with one test for every way a test can end.
const fixtureSuite = `tests:
  - name: Log in
    url: /login
    steps:
      - type "demo@example.com" into "Email"
      - click role button "Log in"
      - expect text "Welcome back"
    tags: [smoke, auth]
  - name: Checkout
    url: /cart
    steps:
      - click "Checkout"
      - expect text "Order placed"
  - name: Search
    goal: Search for lamps and check the desk lamp is listed.
  - name: Sign up
    goal: Sign up with a new account.
  - name: Save settings
    url: /settings
    expected_failure: The settings page is broken on purpose.
    steps:
      - click role button "Save settings"
      - expect text "Settings saved."
  - name: Old bug
    expected_failure: Coupons used to be ignored.
    steps:
      - expect text "Coupon applied"
  - name: "` + xssName + `"
    goal: "Check that <script>alert(2)</script> is shown as text."
    checkpoints:
      - "the page shows <b>bold</b> as text"
  - name: Needs a secret
    steps:
      - type "{{secret.pw}}" into "Password"
  - name: Find a price
    goal: Find the price of the office chair.
    checkpoints:
      - the price of the office chair is shown
      - the price is in euros
`

// base is the fixed start of the fixture run.
var base = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func fixtureTests(t testing.TB) []*suite.Test {
	t.Helper()
	tests, err := suite.Parse("shop.yaml", []byte(fixtureSuite))
	if err != nil {
		t.Fatalf("fixture suite: %v", err)
	}
	return tests
}

func step(i int, action, desc, outcome string, failed bool, shot string) Step {
	return Step{Index: i, Action: action, Args: map[string]any{"step": desc}, Outcome: outcome, Failed: failed,
		URL: "http://127.0.0.1:8080/", ObserveMS: 10 + i, ActMS: 100 + i, Screenshot: shot, Time: base.Add(time.Duration(i) * time.Second)}
}

// fixtureRuns returns one TestRun per fixture test, covering every status.
func fixtureRuns(t testing.TB) []TestRun {
	tests := fixtureTests(t)
	byName := map[string]*suite.Test{}
	for _, tt := range tests {
		byName[tt.Name] = tt
	}
	shot := func(slug string, i int) string {
		return "screenshots/" + slug + "/" + []string{"000", "001", "002", "003"}[i] + ".png"
	}
	return []TestRun{
		{
			Test: byName["Log in"], Started: base,
			Result: &agent.Result{Verdict: agent.VerdictPassed, Summary: "all steps passed", FailedStep: -1, Iterations: 4, Steps: 4,
				Duration: 4200 * time.Millisecond, Mode: "steps"},
			Steps: []Step{
				step(0, "navigate", `navigate "http://127.0.0.1:8080/login"`, `opened http://127.0.0.1:8080/login: "Log in", 5 elements`, false, shot("log-in", 0)),
				step(1, "type", `type "demo@example.com" into "Email"`, `typed into [2] textbox "Email"`, false, shot("log-in", 1)),
				step(2, "click", `click role button "Log in"`, `clicked [4] button "Log in"; URL is now /dashboard`, false, shot("log-in", 2)),
				step(3, "expect text", `expect text "Welcome back"`, `text "Welcome back" is shown`, false, shot("log-in", 3)),
			},
		},
		{
			Test: byName["Checkout"], Started: base.Add(time.Second),
			Result: &agent.Result{Verdict: agent.VerdictFailed, Reason: "expectation", FailedStep: 2, Iterations: 3, Steps: 3,
				Summary:  `step 2 (expect text "Order placed") failed: text "Order placed" is not on the page. The page reported 1 failed request(s), last: POST /api/order → 500.`,
				Duration: 7300 * time.Millisecond, Mode: "steps"},
			Steps: []Step{
				step(0, "navigate", `navigate "http://127.0.0.1:8080/cart"`, `opened http://127.0.0.1:8080/cart`, false, shot("checkout", 0)),
				step(1, "click", `click "Checkout"`, `clicked [7] button "Checkout"; 1 failed request(s): POST /api/order → 500`, false, shot("checkout", 1)),
				step(2, "expect text", `expect text "Order placed"`, `text "Order placed" is not on the page`, true, shot("checkout", 2)),
			},
		},
		{
			Test: byName["Search"], Started: base.Add(2 * time.Second),
			Result: &agent.Result{Verdict: agent.VerdictError, Reason: "model", FailedStep: -1, Iterations: 2, Steps: 2, ModelCalls: 1,
				Summary:  "The model could not be reached: model unavailable after 5 retries: 503 Service Unavailable",
				Duration: 95 * time.Second, Mode: "model"},
			Steps: []Step{
				step(0, "navigate", `navigate "http://127.0.0.1:8080/"`, `opened http://127.0.0.1:8080/`, false, shot("search", 0)),
				{Index: 1, Action: "model", Outcome: "the model did not answer: 503 Service Unavailable", Failed: true, ModelMS: 94000, Time: base.Add(97 * time.Second)},
			},
		},
		Skipped(byName["Sign up"], SkipNoModel),
		{
			Test: byName["Save settings"], Started: base.Add(3 * time.Second),
			Result: &agent.Result{Verdict: agent.VerdictFailed, Reason: "expectation", FailedStep: 2, Iterations: 3, Steps: 3,
				Summary:  `step 2 (expect text "Settings saved.") failed: text "Settings saved." is not on the page. The page reported 1 console error(s), last: ReferenceError: showSaved is not defined.`,
				Duration: 6100 * time.Millisecond, Mode: "steps"},
			Steps: []Step{
				step(0, "navigate", `navigate "http://127.0.0.1:8080/settings"`, `opened http://127.0.0.1:8080/settings`, false, shot("save-settings", 0)),
				step(1, "click", `click role button "Save settings"`, `clicked [9] button "Save settings"; 1 new console error(s): ReferenceError: showSaved is not defined`, false, shot("save-settings", 1)),
				step(2, "expect text", `expect text "Settings saved."`, `text "Settings saved." is not on the page`, true, shot("save-settings", 2)),
			},
		},
		{
			Test: byName["Old bug"], Started: base.Add(4 * time.Second),
			Result: &agent.Result{Verdict: agent.VerdictPassed, Summary: "all steps passed", FailedStep: -1, Iterations: 2, Steps: 2,
				Duration: 1500 * time.Millisecond, Mode: "steps"},
			Steps: []Step{
				step(0, "navigate", `navigate "http://127.0.0.1:8080/"`, `opened http://127.0.0.1:8080/`, false, shot("old-bug", 0)),
				step(1, "expect text", `expect text "Coupon applied"`, `text "Coupon applied" is shown`, false, shot("old-bug", 1)),
			},
		},
		{
			Test: byName[xssName], Started: base.Add(5 * time.Second),
			Result: &agent.Result{Verdict: agent.VerdictFailed, Reason: "model_verdict", FailedStep: 1, Iterations: 3, Steps: 2, ModelCalls: 2,
				Usage:    llm.Usage{InputTokens: 12000, OutputTokens: 345},
				Summary:  `The page shows <script>alert(3)</script> unescaped: "><img src=x onerror=alert(4)>`,
				Duration: 12 * time.Second, Mode: "model",
				Checkpoints: []agent.CheckpointResult{{Checkpoint: "the page shows <b>bold</b> as text", Step: -1}}},
			Steps: []Step{
				{Index: 0, Action: "navigate", Args: map[string]any{"url": "http://127.0.0.1:8080/?q=<script>alert(5)</script>"}, Outcome: "opened \x1b[2J\x1b[31mpage\x1b[0m", ActMS: 300, ObserveMS: 12,
					URL: "http://127.0.0.1:8080/?q=<script>alert(5)</script>", Screenshot: "javascript:alert(6)", Time: base.Add(5 * time.Second)},
				{Index: 1, Action: "finish", Args: map[string]any{"verdict": "failed", "summary": "</code><img src=x onerror=alert(7)>"},
					Thought: `</p><img src=x onerror=alert(8)>`, Outcome: `finished: failed`, Failed: true, ModelMS: 2100,
					InputTokens: 12000, OutputTokens: 345, Time: base.Add(8 * time.Second)},
			},
		},
		{
			Test: byName["Needs a secret"], Started: base.Add(6 * time.Second),
			StartErr: errors.New(`test "Needs a secret" uses {{secret.pw}}, which is not set: give it with ARGUS_SECRET_PW or --secret pw=…`),
		},
		{
			Test: byName["Find a price"], Started: base.Add(7 * time.Second),
			Result: &agent.Result{Verdict: agent.VerdictPassed, Summary: "The office chair costs €149.", FailedStep: -1, Iterations: 4, Steps: 3, ModelCalls: 3,
				Usage: llm.Usage{InputTokens: 30000, OutputTokens: 900}, Duration: 21 * time.Second, Mode: "model",
				Checkpoints: []agent.CheckpointResult{
					{Checkpoint: "the price of the office chair is shown", Verified: true, Step: 2, Evidence: `text "€149"`},
					{Checkpoint: "the price is in euros", Verified: true, Step: 2, Evidence: `text "€"`},
				}},
			Steps: []Step{
				step(0, "navigate", `navigate "http://127.0.0.1:8080/"`, `opened http://127.0.0.1:8080/`, false, shot("find-a-price", 0)),
				{Index: 1, Action: "click", Args: map[string]any{"index": 12}, Thought: "The products link should list the chair.", Outcome: `clicked [12] link "Products"; URL is now /products`,
					ObserveMS: 9, ModelMS: 1800, ActMS: 45, InputTokens: 10000, OutputTokens: 300, Screenshot: shot("find-a-price", 1), Time: base.Add(9 * time.Second)},
				{Index: 2, Action: "assert", Args: map[string]any{"text": "€149"}, Thought: "The chair is listed at €149.", Outcome: `text "€149" is shown`,
					ObserveMS: 8, ModelMS: 1500, ActMS: 20, InputTokens: 20000, OutputTokens: 600, Screenshot: shot("find-a-price", 2), Time: base.Add(12 * time.Second)},
			},
		},
	}
}

// fixtureInfo describes the fixture run.
func fixtureInfo() RunInfo {
	return RunInfo{Started: base, Elapsed: 2*time.Minute + 3*time.Second, Model: "gemini:gemini-2.5-flash",
		BaseURL: "http://127.0.0.1:8080", ReportDir: "out/report", JUnitPath: "out/junit.xml"}
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}
