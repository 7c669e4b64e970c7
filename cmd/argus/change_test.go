package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitIn runs git in dir with a fixed identity.
func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Argus Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// `argus run --server --since REF` in a real git repository made here:
// git diff and git log give the change, the server picks the tests whose
// covers: globs it touches, only those run; a change nothing covers runs
// nothing; --changed-files - reads paths from standard input.
func TestRunSinceSelects(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	vars := serveVars(t)
	_, key := acmeAdmin(t, vars)
	url, _ := startServe(t, vars, "--with-worker")
	remote := map[string]string{"ARGUS_SERVER": url, "ARGUS_API_KEY": key, "ARGUS_PROJECT": "shop"}
	(&e2eAPI{t: t, base: url, key: key}).createProject("Shop", base)

	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "web/login.html"), "<form>v1</form>\n")
	writeFile(t, filepath.Join(repo, "web/dashboard.html"), "<h1>v1</h1>\n")
	writeFile(t, filepath.Join(repo, "README.md"), "shop\n")
	writeFile(t, filepath.Join(repo, "tests/login.yaml"), `name: Log in page answers
url: /login
covers: [web/login.html]
steps:
  - expect text "Log in"
`)
	writeFile(t, filepath.Join(repo, "tests/dashboard.yaml"), `name: Dashboard without a login
url: /dashboard
covers: [web/dashboard.html]
steps:
  - expect url "/dashboard"
`)
	gitIn(t, repo, "init", "-q")
	gitIn(t, repo, "add", ".")
	gitIn(t, repo, "commit", "-q", "-m", "first")
	gitIn(t, repo, "tag", "base")
	writeFile(t, filepath.Join(repo, "web/login.html"), "<form>v2</form>\n")
	gitIn(t, repo, "commit", "-q", "-am", "login: a clearer button")
	t.Chdir(repo)

	res := argus(t, remote, "", "run", "tests", "--since", "base")
	if res.code != exitOK {
		t.Fatalf("--since base: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "selection (covers): 1 test\n  Log in page answers — covers web/login.html matches web/login.html") {
		t.Errorf("selection not printed:\n%s", res.stdout)
	}
	if strings.Contains(res.stdout, "Dashboard without a login") {
		t.Errorf("an unselected test ran:\n%s", res.stdout)
	}

	// A change nothing covers runs nothing and passes.
	writeFile(t, filepath.Join(repo, "README.md"), "shop, v2\n")
	gitIn(t, repo, "commit", "-q", "-am", "docs")
	if res = argus(t, remote, "", "run", "tests", "--since", "HEAD~1"); res.code != exitOK || !strings.Contains(res.stdout, "no test covers this change") {
		t.Errorf("uncovered change: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if res = argus(t, remote, "", "run", "tests", "--since", "HEAD"); res.code != exitOK || !strings.Contains(res.stdout, "the change is empty") {
		t.Errorf("empty change: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	// Paths on standard input: the dashboard test runs, and fails.
	if res = argus(t, remote, "web/dashboard.html\n", "run", "tests", "--changed-files", "-"); res.code != exitFail || !strings.Contains(res.stdout, "Dashboard without a login — covers") {
		t.Errorf("--changed-files -: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	// Bad input: exit code 2 with a message.
	if res = argus(t, remote, "", "run", "tests", "--since", "no-such-ref"); res.code != exitUsage || !strings.Contains(res.stderr, "no-such-ref") {
		t.Errorf("unknown ref: exit %d, stderr %q", res.code, res.stderr)
	}
	if res = argus(t, nil, "", "run", "tests", "--since", "base"); res.code != exitUsage || !strings.Contains(res.stderr, "--server") {
		t.Errorf("--since without --server: exit %d, stderr %q", res.code, res.stderr)
	}
}
