package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/demo/app"
)

// junitDoc is the part of a JUnit file the plan tests read.
type junitDoc struct {
	Tests   int `xml:"tests,attr"`
	Skipped int `xml:"skipped,attr"`
	Suites  []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit XML: %v", err)
	}
	return doc
}

// TestRunDemoPlan runs the demo's plan in real Chromium against the demo
// shop, with no model: the buyer orders in one browser, the seller ships
// that very order in a second, the buyer sees it shipped in a third, each
// as its persona, the order number flowing from the first test to the
// others. JUnit groups the three under the plan.
func TestRunDemoPlan(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	suiteDir := filepath.Join("..", "..", "demo", "suite")
	res := argus(t, map[string]string{"ARGUS_SECRET_DEMO_PASSWORD": app.DemoPassword}, "", "run",
		filepath.Join(suiteDir, "order-plan.yaml"), filepath.Join(suiteDir, "personas.yaml"),
		"--base-url", base, "--junit", junit, "--no-replay")
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"running 3 tests (3 in 1 plan)", `remembered {{vars.order_id}} = "A-1001"`,
		`clicked link "A-1001"`, `the page shows "Order A-1001 is marked as shipped."`, "3 passed"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	// The seller's test starts only after the buyer's passed, and the
	// buyer's last one after the seller's.
	order := []string{"▶ Buyer places an order", "✓ Buyer places an order", "▶ Seller ships the order", "✓ Seller ships the order", "▶ Buyer sees the order shipped"}
	at := 0
	for _, w := range order {
		i := strings.Index(res.stdout[at:], w)
		if i < 0 {
			t.Fatalf("%q does not come after the previous milestone in:\n%s", w, res.stdout)
		}
		at += i
	}
	doc := readJUnit(t, junit)
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "plan: Order, ship and track" || doc.Suites[0].Tests != 3 {
		t.Errorf("JUnit suites: %+v", doc.Suites)
	}
	if strings.Contains(res.stdout+res.stderr, app.DemoPassword) {
		t.Error("the password was printed")
	}
}

// TestRunPlanSkipsAfterFailedNeed: a need that fails skips what needs it,
// directly or not, saying which need failed, while an independent branch
// of the same plan still runs with the values remembered before.
func TestRunPlanSkipsAfterFailedNeed(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "plan.yaml"), `plan: Cancel an order
tests:
  - name: Order
    url: /login?next=/orders
    steps:
      - type "demo@example.com" into "Email"
      - type "{{secret.demo_password}}" into "Password"
      - click role button "Log in"
      - select "Floor lamp" in "Product"
      - click "Place order"
      - remember text of "Order number" as order_id
      - remember text of "Product" as product
  - name: Cancel
    needs: Order
    url: /login?next=/orders
    steps:
      - type "demo@example.com" into "Email"
      - type "{{secret.demo_password}}" into "Password"
      - click role button "Log in"
      - expect text "{{vars.order_id}} was cancelled"
  - name: Refund
    needs: [Cancel]
    steps:
      - expect text "Refunded"
  - name: Track
    needs: [Order]
    url: /login?next=/orders/{{vars.order_id}}
    steps:
      - type "demo@example.com" into "Email"
      - type "{{secret.demo_password}}" into "Password"
      - click role button "Log in"
      - expect text "{{vars.product}}"
      - expect text "Placed"
`)
	junit := filepath.Join(dir, "junit.xml")
	res := argus(t, map[string]string{"ARGUS_SECRET_DEMO_PASSWORD": app.DemoPassword}, "", "run", dir,
		"--base-url", base, "--junit", junit, "--parallel", "2")
	if res.code != exitFail {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	doc := readJUnit(t, junit)
	if doc.Tests != 4 || doc.Skipped != 1 || len(doc.Suites) != 1 {
		t.Fatalf("JUnit: %+v", doc)
	}
	cases := map[string]string{}
	for _, c := range doc.Suites[0].Cases {
		switch {
		case c.Skipped != nil:
			cases[c.Name] = "skipped: " + c.Skipped.Message
		case c.Failure != nil:
			cases[c.Name] = "failed: " + c.Failure.Message
		default:
			cases[c.Name] = "passed"
		}
	}
	if cases["Order"] != "passed" || cases["Track"] != "passed" || !strings.HasPrefix(cases["Cancel"], "failed: ") ||
		!strings.Contains(cases["Cancel"], "A-1001 was cancelled") ||
		cases["Refund"] != `skipped: not run: it needs "Cancel", which failed` {
		t.Errorf("outcomes: %q", cases)
	}
}

// TestRunPlanModelRemembers: the model's remember tool keeps a value the
// page shows (Argus reads it, the model only names its label), the test
// that needs it gets it as {{vars.category}}, and the passing model run is
// saved as a replay holding the remember step a person would write.
func TestRunPlanModelRemembers(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tests", "plan.yaml"), `plan: Browse by category
tests:
  - name: Note the lamp's category
    url: /products
    goal: Find the desk lamp and remember its category as category.
  - name: The category is listed
    needs: Note the lamp's category
    url: /products
    steps:
      - expect text "{{vars.category}}"
`)
	writeFile(t, filepath.Join(dir, "script.json"), `{"steps": [
  {"tool_calls": [{"name": "remember", "args": {"name": "category", "text": "Desk lamp"}}]},
  {"tool_calls": [{"name": "assert", "args": {"check": "text", "value": "Lighting"}}]},
  {"tool_calls": [{"name": "finish", "args": {"verdict": "passed", "summary": "The desk lamp is in Lighting."}}]}
]}`)
	tests := filepath.Join(dir, "tests")
	res := argus(t, nil, "", "run", tests, "--base-url", base, "--model", "scripted:"+filepath.Join(dir, "script.json"))
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{`remembered {{vars.category}} = "Lighting"`, `the page shows "Lighting"`, "2 passed"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	replays, _ := filepath.Glob(filepath.Join(tests, ".argus", "replays", "*.json"))
	if len(replays) != 1 {
		t.Fatalf("replays: %v", replays)
	}
	data, err := os.ReadFile(replays[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `remember text of \"Desk lamp\" as category`) {
		t.Errorf("the replay does not hold the remember step:\n%s", data)
	}
}
