package main

import (
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
// as the demo account and loads what it wrote as tests.
func TestDiscoverDemoApp(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	out := t.TempDir()
	res := argus(t, map[string]string{"ARGUS_SECRET_DEMO_PASSWORD": app.DemoPassword}, "",
		"discover", "--base-url", base, "--out", out, "--login-user", app.DemoEmail, "--login-secret", "demo_password")
	if res.code != 0 {
		t.Fatalf("exit %d: %s %s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "7 pages") || !strings.Contains(res.stdout, "3 auth walls") {
		t.Errorf("stdout %q", res.stdout)
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
