package web

import (
	"strings"
	"testing"
)

// FuzzSafeNext: whatever a login link carries as next, the redirect stays
// on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"", "/projects", "//evil.example", "/\\evil.example", "https://evil.example", "/runs/x?y=1", "javascript:alert(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}

// FuzzTestForm: the editor's checks never panic, and an accepted form
// yields only steps the step parser accepts, in canonical form.
func FuzzTestForm(f *testing.F) {
	f.Add("Log in", "/login", "Log in", "click \"Sign in\"\nexpect text \"Hi\"", "ok", "a, b", "60")
	f.Add("", "ftp://x", "", "click Sign in", "", "", "-1")
	f.Fuzz(func(t *testing.T, name, url, goal, steps, checkpoints, tags, timeout string) {
		form := testForm{Name: name, URL: url, Goal: goal, Steps: steps, Checkpoints: checkpoints, Tags: tags, Timeout: timeout}
		in, ok := form.input()
		if ok != (len(form.Errors) == 0) {
			t.Fatalf("ok=%v with errors %v", ok, form.Errors)
		}
		if !ok {
			return
		}
		if in.Name == "" || (in.Goal == "" && len(in.Steps) == 0) {
			t.Fatalf("accepted an empty test: %+v", in)
		}
		again := testForm{Name: in.Name, URL: in.StartURL, Goal: in.Goal, Steps: strings.Join(in.Steps, "\n")}
		in2, ok2 := again.input()
		if !ok2 || strings.Join(in2.Steps, "\n") != strings.Join(in.Steps, "\n") {
			t.Fatalf("canonical steps do not round-trip: %q → %q (%v)", in.Steps, in2.Steps, again.Errors)
		}
	})
}
