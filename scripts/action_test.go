// Package scripts_test checks the shell scripts of the repository: the
// GitHub Action's run step against real git repositories, with a stand-in
// for the argus CLI that records how it was called (the CLI's own
// selection is tested in cmd/argus against a real server).
package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Argus Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

type actionRun struct {
	args, output, summary, stepSummary string
}

// runAction runs scripts/github-action.sh in a clone of a fresh origin
// whose pull request branch changes web/login.html.
func runAction(t *testing.T, env map[string]string, exit string) actionRun {
	t.Helper()
	script, err := filepath.Abs("github-action.sh")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	origin, clone := filepath.Join(root, "origin.git"), filepath.Join(root, "clone")
	git(t, root, "init", "-q", "--bare", origin)
	git(t, root, "clone", "-q", origin, clone)
	must(t, os.MkdirAll(filepath.Join(clone, "web"), 0o755))
	must(t, os.WriteFile(filepath.Join(clone, "web/login.html"), []byte("v1\n"), 0o644))
	git(t, clone, "add", ".")
	git(t, clone, "commit", "-q", "-m", "first")
	git(t, clone, "push", "-q", "origin", "HEAD:main")
	git(t, clone, "checkout", "-q", "-b", "feature")
	must(t, os.WriteFile(filepath.Join(clone, "web/login.html"), []byte("v2\n"), 0o644))
	git(t, clone, "commit", "-q", "-am", "login: v2")
	// The checkout of a pull request knows only its own branch.
	git(t, clone, "update-ref", "-d", "refs/remotes/origin/main")

	bin := filepath.Join(root, "argus")
	record := filepath.Join(root, "args")
	must(t, os.WriteFile(bin, []byte("#!/bin/sh\necho \"$@\" > "+record+"\necho 'selection (covers): 1 test'\necho '  Log in — covers web/login.html matches web/login.html'\nexit "+exit+"\n"), 0o755))
	output, stepSummary := filepath.Join(root, "github-output"), filepath.Join(root, "step-summary")
	cmd := exec.CommandContext(t.Context(), "bash", script)
	cmd.Dir = clone
	cmd.Env = append(os.Environ(), "ARGUS_BIN="+bin, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+stepSummary)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the script failed: %v\n%s", err, out)
	}
	read := func(p string) string {
		b, _ := os.ReadFile(p)
		return string(b)
	}
	return actionRun{args: strings.TrimSpace(read(record)), output: read(output),
		summary: read(filepath.Join(clone, "argus-out/summary.md")), stepSummary: read(stepSummary)}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestActionScript(t *testing.T) {
	pr := map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main", "INPUT_TESTS": "tests e2e"}
	r := runAction(t, pr, "1")
	if r.args != "run tests e2e --junit argus-out/junit.xml --since origin/main" {
		t.Errorf("pull request: argus %s", r.args)
	}
	if !strings.Contains(r.output, "exit-code=1\n") {
		t.Errorf("step output: %q", r.output)
	}
	for _, want := range []string{"### Argus: failed", "since `origin/main`", "Log in — covers web/login.html"} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.summary)
		}
	}
	if r.stepSummary != r.summary {
		t.Errorf("job summary differs from the comment")
	}

	if r = runAction(t, map[string]string{"GITHUB_EVENT_NAME": "push"}, "0"); r.args != "run tests --junit argus-out/junit.xml" || !strings.Contains(r.output, "exit-code=0") || !strings.Contains(r.summary, "### Argus: passed") {
		t.Errorf("push: argus %s, output %q", r.args, r.output)
	}
	all := map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main", "INPUT_ALL": "true"}
	if r = runAction(t, all, "2"); r.args != "run tests --junit argus-out/junit.xml" || !strings.Contains(r.summary, "could not tell (exit 2)") {
		t.Errorf("all: argus %s\n%s", r.args, r.summary)
	}
	if r = runAction(t, map[string]string{"INPUT_SINCE": "HEAD~1"}, "0"); !strings.HasSuffix(r.args, "--since HEAD~1") {
		t.Errorf("since: argus %s", r.args)
	}
	missing := map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "no-such-branch"}
	if r = runAction(t, missing, "0"); r.args != "" || !strings.Contains(r.output, "exit-code=2") {
		t.Errorf("missing base: argus %q, output %q", r.args, r.output)
	}
}

// action.yml runs this script and uses only inputs it declares.
func TestActionYAML(t *testing.T) {
	b, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]any `yaml:"inputs"`
		Runs   struct {
			Using string `yaml:"using"`
			Steps []struct {
				Run  string `yaml:"run"`
				Uses string `yaml:"uses"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Fatalf("runs.using %q", action.Runs.Using)
	}
	if !strings.Contains(string(b), "${{ github.action_path }}/scripts/github-action.sh") {
		t.Error("action.yml does not run scripts/github-action.sh")
	}
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(b), -1) {
		if _, ok := action.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses undeclared input %q", m[1])
		}
	}
	for _, in := range []string{"server", "api-key", "project", "tests"} {
		if _, ok := action.Inputs[in]; !ok {
			t.Errorf("input %q missing", in)
		}
	}
}
