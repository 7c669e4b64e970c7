package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/suite"
)

func TestDiscoverRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no base url", []string{"discover"}, "--base-url"},
		{"too many browsers", []string{"discover", "--base-url", "http://127.0.0.1:1", "--parallel", "4"}, "--parallel"},
		{"no budget", []string{"discover", "--base-url", "http://127.0.0.1:1", "--max-pages", "0"}, "--max-pages"},
		{"login without password", []string{"discover", "--base-url", "http://127.0.0.1:1", "--login-user", "a@b.c"}, "ARGUS_SECRET_PASSWORD"},
		{"arguments", []string{"discover", "--base-url", "http://127.0.0.1:1", "extra"}, "no arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := argus(t, nil, "", c.args...)
			if res.code != exitUsage || !strings.Contains(res.stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", res.code, res.stderr, exitUsage, c.want)
			}
		})
	}
}

// TestDiscoverDemoApp runs `argus discover` against the demo app signed in
// as the demo account, with a scripted model for the flows phase, and
// loads what it wrote as tests: the crawl's explicit-step tests and the
// model's journeys as goal-and-checkpoint tests (one journey over a page
// the map does not have is dropped).
func TestDiscoverDemoApp(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	out := t.TempDir()
	script := filepath.Join(t.TempDir(), "flows.json")
	writeFile(t, script, `{"steps": [{"tool_calls": [{"name": "suggest_flows", "args": {"flows": [
		{"name": "Sign in and open the orders", "pages": ["/login", "/dashboard", "/orders"],
		 "goal": "Sign in as demo@example.com with {{secret.demo_password}}, then open the orders page.",
		 "checkpoints": ["the orders page lists the user's orders"]},
		{"name": "Pay for the cart", "pages": ["/cart"], "goal": "Pay."}]}}],
		"usage": {"input_tokens": 2000, "output_tokens": 150}}]}`)
	res := argus(t, map[string]string{"ARGUS_SECRET_DEMO_PASSWORD": app.DemoPassword, "ARGUS_MODEL": "scripted:" + script}, "",
		"discover", "--base-url", base, "--out", out, "--login-user", app.DemoEmail, "--login-secret", "demo_password")
	if res.code != 0 {
		t.Fatalf("exit %d: %s %s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "8 pages") || !strings.Contains(res.stdout, "4 auth walls") || !strings.Contains(res.stdout, "1 user journey from") {
		t.Errorf("stdout %q", res.stdout)
	}
	src, err := os.ReadFile(filepath.Join(out, "suggested-tests.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "name: Sign in and open the orders") || strings.Contains(string(src), "Pay for the cart") {
		t.Errorf("the journeys in the suggestions:\n%s", src)
	}
	if m, _ := os.ReadFile(filepath.Join(out, "app-map.json")); !strings.Contains(string(m), `"flows"`) {
		t.Error("the map lacks the flows")
	}
	tests, err := suite.Load(filepath.Join(out, "suggested-tests.yaml"))
	if err != nil || len(tests) < 3 {
		t.Fatalf("%d tests, %v", len(tests), err)
	}
	if strings.Contains(res.stdout+res.stderr, app.DemoPassword) {
		t.Error("the password was printed")
	}
}

// TestDiscoverRefusesMetadata: the target policy holds for discovery too.
func TestDiscoverRefusesMetadata(t *testing.T) {
	requireBrowser(t)
	res := argus(t, nil, "", "discover", "--base-url", "http://169.254.169.254/", "--out", t.TempDir())
	if res.code != exitUsage || !strings.Contains(res.stderr, "metadata") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}
