package suite_test

import (
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/suite"
)

func TestDraftCheck(t *testing.T) {
	ok := suite.Draft{Name: " Sign in ", URL: "/login", Goal: "sign in as {{secret.user}}",
		Steps: []string{`click "Sign in"`}, Checkpoints: []string{"the dashboard shows"}, Tags: []string{"smoke"}}
	test, probs := ok.Check()
	if len(probs) > 0 {
		t.Fatalf("valid draft: %v", probs)
	}
	if test.Name != "Sign in" || test.Timeout != suite.DefaultTimeout || len(test.Steps) != 1 || test.Steps[0].String() != `click "Sign in"` {
		t.Fatalf("test = %+v", test)
	}
	if test, _ := (suite.Draft{Name: "x", Goal: "y"}).Check(); test.URL != suite.DefaultURL {
		t.Errorf("default URL %q", test.URL)
	}

	bad := suite.Draft{URL: "//host/x", Steps: []string{"klick it"}, Checkpoints: []string{"seen"},
		Tags: []string{"a", "a", "-x"}, Timeout: 2 * time.Hour}
	_, probs = bad.Check()
	got := map[string]string{}
	for _, p := range probs {
		got[p.Field] = p.Message
	}
	for field, want := range map[string]string{
		"name":            "no name",
		"url":             "no scheme",
		"steps[0]":        "",
		"tags[1]":         "listed twice",
		"tags[2]":         "tags start with a letter",
		"timeout_seconds": "outside the allowed range",
		"checkpoints":     "add a goal",
	} {
		msg, ok := got[field]
		if !ok || !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want it to mention %q (all: %v)", field, msg, want, got)
		}
	}
	// The same test in a file gets the same message.
	_, err := suite.Parse("t.yaml", []byte("name: x\nsteps: ['click \"a\"']\ncheckpoints: [seen]\n"))
	if err == nil || !strings.Contains(err.Error(), got["checkpoints"]) {
		t.Errorf("file and draft differ: %v vs %q", err, got["checkpoints"])
	}
}
