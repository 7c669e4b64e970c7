package report

import (
	"strings"
	"testing"

	"github.com/argusqa/argus/suite"
)

func TestSlug(t *testing.T) {
	cases := map[string]string{
		"Log in":                          "log-in",
		"Log in — wrong password!":        "log-in-wrong-password",
		"  --Search:  lamps--  ":          "search-lamps",
		"Ünïcödé only":                    "unicode-only",
		"日本語":                             "test",
		"":                                "test",
		xssName:                           "img-src-x-onerror-alert-1",
		"../../etc/passwd":                "etc-passwd",
		strings.Repeat("abc ", 40):        strings.TrimRight(strings.Repeat("abc-", 15), "-"),
		"Sign up with a new account (v2)": "sign-up-with-a-new-account-v2",
	}
	for in, want := range cases {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if !validSlug(got) || len(got) > maxSlugLen {
			t.Errorf("Slug(%q) = %q is not a valid slug", in, got)
		}
	}
}

func TestSlugsAreUnique(t *testing.T) {
	names := []string{"Log in", "log-in", "LOG IN", "Log in 2", "日本語", "中文", "", "Log in"}
	tests := make([]*suite.Test, len(names))
	for i, n := range names {
		tests[i] = &suite.Test{Name: n}
	}
	tests = append(tests, nil)
	got := Slugs(tests)
	want := []string{"log-in", "log-in-2", "log-in-3", "log-in-2-2", "test", "test-2", "test-3", "log-in-4", "test-4"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Slugs = %v, want %v", got, want)
	}
	for _, s := range got {
		if !validSlug(s) {
			t.Errorf("%q is not a valid slug", s)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for _, s := range []string{"", "-a", "a/b", "..", "a.b", "A", "a b", strings.Repeat("a", 100)} {
		if validSlug(s) {
			t.Errorf("validSlug(%q) = true", s)
		}
	}
}
