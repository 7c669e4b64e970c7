package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/demo/app"
)

// TestRunOnServer is `argus run --server` against a real `argus serve
// --with-worker` (River, local Chromium, PostgreSQL): the CLI sends the
// test files, the server runs them with the project's secret, progress
// streams back, and the CLI reports the verdicts and exits like a local
// run.
func TestRunOnServer(t *testing.T) {
	api, _ := demoShopOnServer(t)
	url, key := api.base, api.key

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "login.yaml"), `name: Log in
url: /login
steps:
  - type "demo@example.com" into "Email"
  - type "{{secret.demo_password}}" into "Password"
  - click role button "Log in"
  - expect text "Welcome back, Demo User!"
`)
	writeFile(t, filepath.Join(dir, "dashboard.yaml"), `name: Dashboard without a login
url: /dashboard
steps:
  - expect url "/dashboard"
`)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	remote := map[string]string{"ARGUS_SERVER": url, "ARGUS_API_KEY": key, "ARGUS_PROJECT": "shop", "GITHUB_SHA": "c0ffee"}

	res := argus(t, remote, "", "run", dir, "--junit", junit)
	if res.code != exitFail {
		t.Fatalf("exit %d, want 1 (one test fails)\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	checkJUnit(t, junit, 2, 1)
	for _, want := range []string{"started on " + url, "Log in", "Dashboard without a login", "/runs/"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout+res.stderr, app.DemoPassword) {
		t.Errorf("the secret value reached the CLI's output")
	}

	// Only the passing test: exit 0.
	if res := argus(t, remote, "", "run", filepath.Join(dir, "login.yaml")); res.code != exitOK {
		t.Fatalf("passing test: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	// Bad input is exit code 2 with a message saying what to fix.
	bad := map[string]string{"ARGUS_SERVER": url, "ARGUS_API_KEY": key, "ARGUS_PROJECT": "nope"}
	if res := argus(t, bad, "", "run", dir); res.code != exitUsage || !strings.Contains(res.stderr, "Shop") {
		t.Errorf("unknown project: exit %d, stderr %q (should list the projects)", res.code, res.stderr)
	}
	bad = map[string]string{"ARGUS_SERVER": url, "ARGUS_API_KEY": "argus_notarealkey", "ARGUS_PROJECT": "shop"}
	if res := argus(t, bad, "", "run", dir); res.code != exitUsage || !strings.Contains(res.stderr, "ARGUS_API_KEY") {
		t.Errorf("wrong key: exit %d, stderr %q", res.code, res.stderr)
	}
	if res := argus(t, map[string]string{"ARGUS_SERVER": url, "ARGUS_PROJECT": "shop"}, "", "run", dir); res.code != exitUsage || !strings.Contains(res.stderr, "ARGUS_API_KEY") {
		t.Errorf("missing key: exit %d, stderr %q", res.code, res.stderr)
	}
}
