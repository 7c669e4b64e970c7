package main

import (
	"bytes"
	"encoding/json"
	"net/http"
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
	requireBrowser(t)
	base := startDemoApp(t)
	vars := serveVars(t)
	if r := argus(t, vars, "", "admin", "create-tenant", "--name", "Acme"); r.code != 0 {
		t.Fatalf("create-tenant: %+v", r)
	}
	r := argus(t, vars, "", "admin", "create-key", "--tenant", "acme", "--name", "ci", "--role", "admin")
	if r.code != 0 {
		t.Fatalf("create-key: %+v", r)
	}
	key := strings.TrimSpace(r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:])
	url, _ := startServe(t, vars, "--with-worker")

	api := func(method, path string, body any) *http.Response {
		t.Helper()
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, url+path, bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := api("POST", "/api/v1/projects", map[string]any{"name": "Shop", "base_url": base})
	var project struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&project)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create project: %d", resp.StatusCode)
	}
	if resp := api("PUT", "/api/v1/projects/"+project.ID+"/secrets/demo_password", map[string]any{"value": app.DemoPassword}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("put secret: %d", resp.StatusCode)
	}

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
