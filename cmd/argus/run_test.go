package main

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/demo/app"
)

func TestRunRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "one.yaml"), "name: Home page\nurl: /\nsteps:\n  - expect text \"Hello\"\n")
	writeFile(t, filepath.Join(dir, "broken", "bad.yaml"), "name: Broken\nurl: /\nsteps:\n  - frobnicate the page\n")

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no tests", []string{"run", t.TempDir()}, "no test files found"},
		{"parse error names file and line", []string{"run", filepath.Join(dir, "broken")}, "bad.yaml:4"},
		{"relative url without base", []string{"run", filepath.Join(dir, "one.yaml")}, "--base-url"},
		{"bad base url", []string{"run", filepath.Join(dir, "one.yaml"), "--base-url", "ftp://x"}, "ARGUS_BASE_URL"},
		{"unknown browser", []string{"run", filepath.Join(dir, "one.yaml"), "--browser", "firefox"}, "ARGUS_BROWSER"},
		{"malformed secret", []string{"run", filepath.Join(dir, "one.yaml"), "--secret", "hunter2"}, "NAME=VALUE"},
		{"no test selected", []string{"run", filepath.Join(dir, "one.yaml"), "--tag", "nightly"}, "no test matches"},
		{"parallel above the node cap", []string{"run", filepath.Join(dir, "one.yaml"), "--parallel", "9"}, "ARGUS_MAX_AGENTS"},
		{"model without provider", []string{"run", filepath.Join(dir, "one.yaml"), "--model", "gpt-4.1"}, "provider:model"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := argus(t, nil, "", c.args...)
			if res.code != exitUsage {
				t.Fatalf("exit code %d, want %d; stderr: %s", res.code, exitUsage, res.stderr)
			}
			if !strings.Contains(res.stderr, c.want) {
				t.Errorf("stderr %q does not mention %q", res.stderr, c.want)
			}
			if strings.Contains(res.stderr, "hunter2") {
				t.Errorf("a secret value reached the error message: %s", res.stderr)
			}
		})
	}
}

// startDemoApp serves the demo app on loopback for the test's lifetime.
func startDemoApp(t *testing.T) string {
	t.Helper()
	srv, err := app.Start(context.Background(), app.ServerConfig{App: app.Config{BcryptCost: 4}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv.URL()
}

// requireBrowser skips when Chromium or chromedriver is missing (CI
// installs both).
func requireBrowser(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("chromedriver"); err != nil {
		t.Skip("chromedriver not installed: run `make deps`")
	}
	browsertest.ChromiumPath(t)
}

// TestRunRecordsReplayThenReplaysWithoutModel is the CLI's round trip: a
// goal-only test runs with a (scripted) model, passes, and leaves a replay
// beside the test; the next run, with no model at all, replays it.
func TestRunRecordsReplayThenReplaysWithoutModel(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tests", "price.yaml"), `name: Find the price of the ergonomic mouse
url: /products
goal: Search for the ergonomic mouse and report its price.
checkpoints:
  - the price of the Ergonomic mouse is shown
`)
	writeFile(t, filepath.Join(dir, "script.json"), `{"steps": [
  {"text": "The search can be opened by its URL.",
   "tool_calls": [{"name": "navigate", "args": {"url": "/products?q=mouse"}}],
   "usage": {"input_tokens": 900, "output_tokens": 30}},
  {"tool_calls": [{"name": "assert", "args": {"check": "text", "value": "€45.90", "checkpoint": "the price of the Ergonomic mouse is shown"}}],
   "usage": {"input_tokens": 1000, "output_tokens": 35}},
  {"tool_calls": [{"name": "finish", "args": {"verdict": "passed", "summary": "The Ergonomic mouse costs €45.90."}}],
   "usage": {"input_tokens": 1100, "output_tokens": 25}}
]}`)
	junit := filepath.Join(dir, "junit.xml")
	reportDir := filepath.Join(dir, "report")
	tests := filepath.Join(dir, "tests")

	first := argus(t, nil, "", "run", tests, "--base-url", base, "--model", "scripted:"+filepath.Join(dir, "script.json"),
		"--junit", junit, "--report", reportDir)
	if first.code != exitOK {
		t.Fatalf("first run: exit %d\nstdout: %s\nstderr: %s", first.code, first.stdout, first.stderr)
	}
	replays, _ := filepath.Glob(filepath.Join(tests, ".argus", "replays", "*.json"))
	if len(replays) != 1 {
		t.Fatalf("want one saved replay, found %v", replays)
	}
	checkJUnit(t, junit, 1, 0)
	if _, err := os.Stat(filepath.Join(reportDir, "index.html")); err != nil {
		t.Errorf("HTML report: %v", err)
	}

	second := argus(t, nil, "", "run", tests, "--base-url", base)
	if second.code != exitOK {
		t.Fatalf("replay run: exit %d\nstdout: %s\nstderr: %s", second.code, second.stdout, second.stderr)
	}
	if !strings.Contains(second.stdout, "0 model calls") || !strings.Contains(second.stdout, "passed") {
		t.Errorf("replay run output does not show a pass with no model calls:\n%s", second.stdout)
	}

	third := argus(t, nil, "", "run", tests, "--base-url", base, "--no-replay")
	if third.code != exitOK || !strings.Contains(third.stdout, "ARGUS_MODEL") {
		t.Errorf("without replay or model the goal-only test should be skipped with a hint: exit %d\n%s", third.code, third.stdout)
	}
}

// TestRunExitCodes: a failing test makes exit code 1 and is reported in
// JUnit as a failure with the summary; a test whose secret is missing
// cannot start, which is exit code 2 (an error, not a failure).
func TestRunExitCodes(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fail.yaml"), `name: Dashboard needs a login
url: /dashboard
steps:
  - expect url "/dashboard"
`)
	writeFile(t, filepath.Join(dir, "secret.yaml"), `name: Log in
url: /login
steps:
  - type "{{secret.demo_password}}" into "Password"
`)
	junit := filepath.Join(dir, "junit.xml")
	res := argus(t, nil, "", "run", filepath.Join(dir, "fail.yaml"), "--base-url", base, "--junit", junit)
	if res.code != exitFail {
		t.Fatalf("failing test: exit %d, want 1\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	checkJUnit(t, junit, 1, 1)

	res = argus(t, nil, "", "run", filepath.Join(dir, "secret.yaml"), "--base-url", base)
	if res.code != exitUsage || !strings.Contains(res.stdout, "ARGUS_SECRET_DEMO_PASSWORD") {
		t.Fatalf("missing secret: exit %d, want 2 and a hint naming ARGUS_SECRET_DEMO_PASSWORD\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	res = argus(t, map[string]string{"ARGUS_SECRET_DEMO_PASSWORD": app.DemoPassword}, "", "run", filepath.Join(dir, "secret.yaml"), "--base-url", base)
	if res.code != exitOK {
		t.Fatalf("secret from the environment: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, app.DemoPassword) {
		t.Errorf("the secret value was printed:\n%s\n%s", res.stdout, res.stderr)
	}
}

// TestDemo runs `argus demo` as `make demo` does, without a model: explicit
// steps pass, the broken settings page fails as expected, goal-only tests
// are skipped with a hint, and the run as a whole succeeds.
func TestDemo(t *testing.T) {
	requireBrowser(t)
	reportDir := t.TempDir()
	res := argus(t, map[string]string{"ARGUS_REPORT_DIR": reportDir}, "", "demo")
	if res.code != exitOK {
		t.Fatalf("argus demo: exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"failed as expected", "renderSavedBanner", "skipped", "ARGUS_MODEL", "index.html",
		"test mailbox: SMTP on 127.0.0.1:", "✓ Sign up and confirm by email — passed"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, res.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(reportDir, "index.html")); err != nil {
		t.Errorf("demo report: %v", err)
	}
}

func checkJUnit(t *testing.T, path string, tests, failures int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit XML: %v", err)
	}
	if doc.Tests != tests || doc.Failures != failures {
		t.Errorf("JUnit says %d tests, %d failures; want %d, %d", doc.Tests, doc.Failures, tests, failures)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// `argus demo --help` lists the flags the demo reads, not all of `argus
// run`'s: the demo starts its own app and runs in this process.
func TestDemoHelpListsDemoFlags(t *testing.T) {
	res := argus(t, nil, "", "demo", "--help")
	if res.code != exitOK {
		t.Fatalf("argus demo --help: %+v", res)
	}
	for _, want := range []string{"-model", "-browser", "-tag", "-no-replay", "-report", "-serve", "-listen", "-data-dir"} {
		if !strings.Contains(res.stderr, want+" ") && !strings.Contains(res.stderr, want+"\n") {
			t.Errorf("demo help lacks %s:\n%s", want, res.stderr)
		}
	}
	for _, unwanted := range []string{"-api-key", "-server", "-commit", "-branch", "-project", "-base-url"} {
		if strings.Contains(res.stderr, unwanted) {
			t.Errorf("demo help offers %s, which the demo ignores:\n%s", unwanted, res.stderr)
		}
	}
}

// TestRunRefusesAStartURLTheTargetPolicyRefuses: a CLI run allows private
// addresses (it tests the developer's machine) but never the cloud
// metadata service; such a test ends as an error naming the rule, and the
// run exits 2.
func TestRunRefusesAStartURLTheTargetPolicyRefuses(t *testing.T) {
	requireBrowser(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "meta.yaml"), "name: Read the metadata\nurl: http://169.254.169.254/latest/meta-data/\nsteps:\n  - expect text \"ami-id\"\n")
	res := argus(t, nil, "", "run", filepath.Join(dir, "meta.yaml"), "--base-url", "http://127.0.0.1:1")
	if res.code != exitUsage {
		t.Fatalf("exit code %d, want %d; stdout: %s; stderr: %s", res.code, exitUsage, res.stdout, res.stderr)
	}
	if out := res.stdout + res.stderr; !strings.Contains(out, "169.254.169.254 is a cloud metadata address") {
		t.Errorf("the output does not name the rule:\n%s", out)
	}
}
