package discovery_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	demoapp "github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/discovery"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

// TestDemoApp discovers the demo app in real Chromium, signed in as the
// demo account: every page and form is found, the auth walls too, and the
// suggested tests pass when the runner runs them.
func TestDemoApp(t *testing.T) {
	browsertest.ChromiumPath(t)
	ctx := t.Context()
	srv, err := demoapp.Start(ctx, demoapp.ServerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.WithoutCancel(ctx)) })
	browsers, err := local.New(local.Config{MaxSessions: discovery.MaxParallel})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		_ = browsers.Close(c)
	})

	var progress []discovery.Progress // written with the map locked
	res, err := discovery.Run(ctx, discovery.Config{
		Browser: browsers, BaseURL: srv.URL(), Policy: netpolicy.Policy{AllowPrivate: true},
		OnProgress: func(p discovery.Progress) { progress = append(progress, p) },
		Persona:    &discovery.Persona{Username: demoapp.DemoEmail, Password: demoapp.DemoPassword, PasswordSecret: "demo_password"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Map
	if len(progress) != len(m.Pages) || progress[len(progress)-1] != (discovery.Progress{Pages: len(m.Pages), Forms: m.Forms()}) {
		t.Errorf("progress %v for %d pages, %d forms", progress, len(m.Pages), m.Forms())
	}
	var paths []string
	for _, p := range m.Pages {
		paths = append(paths, p.Path)
	}
	slices.Sort(paths)
	if want := []string{"/", "/dashboard", "/login", "/orders", "/products", "/profile", "/settings", "/signup"}; !slices.Equal(paths, want) {
		t.Errorf("pages %v, want %v", paths, want)
	}
	forms := map[string]discovery.Form{}
	for _, p := range m.Pages {
		for _, f := range p.Forms {
			if f.Kind != "logout" {
				forms[p.Path] = f
			}
		}
	}
	wantForms := map[string]string{"/login": "sign-in", "/signup": "sign-up", "/products": "search", "/profile": "data", "/settings": "data", "/orders": "data"}
	for path, kind := range wantForms {
		if f, ok := forms[path]; !ok || f.Kind != kind {
			t.Errorf("form on %s: %+v, want kind %s", path, f, kind)
		}
	}
	if len(forms) != len(wantForms) {
		t.Errorf("forms on %v", forms)
	}
	signup := forms["/signup"]
	var labels []string
	for _, f := range signup.Fields {
		labels = append(labels, f.Label+":"+f.Type)
	}
	if want := []string{"Name:text", "Email:email", "Password:password", "Confirm password:password"}; !slices.Equal(labels, want) {
		t.Errorf("sign-up fields %v, want %v", labels, want)
	}
	if signup.Probe == nil || !signup.Probe.Stayed || !slices.Contains(signup.Probe.Messages, "Please fix the errors below.") {
		t.Errorf("sign-up probe %+v", signup.Probe)
	}
	for _, path := range []string{"/profile", "/settings", "/orders"} {
		if forms[path].Probe != nil {
			t.Errorf("the data form on %s was submitted", path)
		}
	}
	for _, p := range m.Pages {
		for _, f := range p.Forms {
			if f.Kind == "logout" && (!f.Destructive || f.Probe != nil) {
				t.Errorf("logout form on %s: %+v", p.Path, f)
			}
		}
	}
	var walls []string
	for _, w := range m.AuthWalls {
		walls = append(walls, w.Path+"→"+w.SignIn)
	}
	slices.Sort(walls)
	if want := []string{"/dashboard→/login", "/orders→/login", "/profile→/login", "/settings→/login"}; !slices.Equal(walls, want) {
		t.Errorf("auth walls %v, want %v", walls, want)
	}

	dir := t.TempDir()
	if err := res.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, discovery.SuggestedFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(src), demoapp.DemoPassword) || strings.Contains(string(mustRead(t, filepath.Join(dir, discovery.MapFile))), demoapp.DemoPassword) {
		t.Fatal("the password is in the output")
	}
	tests, err := suite.Load(filepath.Join(dir, discovery.SuggestedFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) < 8 {
		t.Fatalf("%d suggested tests:\n%s", len(tests), src)
	}
	r, err := runner.New(runner.Config{
		Browser: browsers, BaseURL: srv.URL(), Parallel: discovery.MaxParallel, NoReplay: true,
		Secrets: map[string]string{"demo_password": demoapp.DemoPassword},
		Agent:   agent.Config{ExpectTimeout: 3 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range r.Run(ctx, tests) {
		if run.Result == nil || run.Result.Verdict != agent.VerdictPassed {
			t.Errorf("suggested test %q did not pass: %+v %v", run.Test.Name, run.Result, run.StartErr)
		}
	}
	if t.Failed() {
		t.Logf("suggested tests:\n%s", src)
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
