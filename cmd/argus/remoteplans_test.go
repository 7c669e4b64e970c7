package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/demo/app"
)

// TestRunPlanOnServer is `argus run --server` with the demo's plan against
// a real `argus serve --with-worker`: the plan arrives with its file, runs
// as a graph on the server's workers as the project's personas, and the
// CLI reports its three tests grouped in JUnit; a plan whose first test
// fails reports its dependent skipped, with the reason.
func TestRunPlanOnServer(t *testing.T) {
	api, project := demoShopOnServer(t)
	url, key := api.base, api.key
	for name, email := range map[string]string{"buyer": app.DemoEmail, "seller": app.DemoSellerEmail} {
		if res := api.do("PUT", "/api/v1/projects/"+project.String()+"/personas/"+name, map[string]any{"email": email, "username": email, "password_secret": "demo_password", "locale": "en-GB"}); res.status != http.StatusOK {
			t.Fatalf("put persona %s: %d", name, res.status)
		}
	}
	remote := map[string]string{"ARGUS_SERVER": url, "ARGUS_API_KEY": key, "ARGUS_PROJECT": "shop"}

	junit := filepath.Join(t.TempDir(), "junit.xml")
	res := argus(t, remote, "", "run", filepath.Join("..", "..", "demo", "suite", "order-plan.yaml"), "--junit", junit)
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{`plan "Order, ship and track" started on ` + url, "/plan", "3 passed"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	if doc := readJUnit(t, junit); len(doc.Suites) != 1 || doc.Suites[0].Name != "plan: Order, ship and track" || doc.Suites[0].Tests != 3 {
		t.Errorf("JUnit: %+v", doc.Suites)
	}

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "refunds.yaml"), `plan: Refunds
tests:
  - name: Find a cancelled order
    url: /products
    steps:
      - expect text "Cancelled orders"
  - name: Refund it
    needs: Find a cancelled order
    url: /products
    steps:
      - expect text "Refunded"
`)
	res = argus(t, remote, "", "run", dir, "--junit", junit)
	if res.code != exitFail {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	doc := readJUnit(t, junit)
	if doc.Tests != 2 || doc.Skipped != 1 {
		t.Fatalf("JUnit: %+v", doc)
	}
	for _, c := range doc.Suites[0].Cases {
		if c.Name == "Refund it" && (c.Skipped == nil || c.Skipped.Message != `not run: it needs "Find a cancelled order", which failed`) {
			t.Errorf("skipped case: %+v", c)
		}
	}
}
