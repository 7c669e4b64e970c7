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

// FuzzTestForm: reading the editor's form never panics, every textarea
// line that holds a step becomes one draft step, and a step's line number
// is where the person wrote it.
func FuzzTestForm(f *testing.F) {
	f.Add("Log in", "/login", "Log in", "click \"Sign in\"\n\nexpect text \"Hi\"", "ok", "a, b", "60")
	f.Add("", "ftp://x", "", "click Sign in", "", "", "-1")
	f.Fuzz(func(t *testing.T, name, url, goal, steps, checkpoints, tags, timeout string) {
		form := testForm{Name: name, URL: url, Goal: goal, Steps: steps, Checkpoints: checkpoints, Tags: tags, Timeout: timeout, Errors: map[string]string{}}
		d, ok := form.draft()
		if !ok {
			if form.Errors["timeout"] == "" {
				t.Fatalf("unreadable form without a message: %+v", form)
			}
			return
		}
		lines := strings.Split(steps, "\n")
		if len(d.Steps) != len(form.stepLines) {
			t.Fatalf("%d steps, %d line numbers", len(d.Steps), len(form.stepLines))
		}
		for i, st := range d.Steps {
			if strings.TrimSpace(lines[form.stepLines[i]-1]) != st {
				t.Fatalf("step %d %q is not line %d %q", i, st, form.stepLines[i], lines[form.stepLines[i]-1])
			}
		}
	})
}
