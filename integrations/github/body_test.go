package github

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var bareMention = regexp.MustCompile(`(^|[^\w])@\w`)

func FuzzUntrusted(f *testing.F) {
	for _, s := range []string{"<!-- argus-test:x -->", "@octocat", "a@b.c", "```", "<!<!---->-->", "\xff@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := untrusted(s, 100)
		if strings.Contains(out, "<!--") || strings.Contains(out, "-->") {
			t.Fatalf("%q → %q keeps an HTML comment delimiter", s, out)
		}
		if bareMention.MatchString(out) {
			t.Fatalf("%q → %q keeps a mention", s, out)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("%q → invalid UTF-8", s)
		}
		fenced := fence(out)
		inner := strings.TrimSuffix(strings.SplitN(fenced, "\n", 2)[1], "\n"+strings.SplitN(fenced, "text", 2)[0])
		if inner != out {
			t.Fatalf("%q: fence does not enclose the text: %q", out, fenced)
		}
	})
}
