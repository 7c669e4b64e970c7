package report

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/argusqa/argus/suite"
)

// maxSlugLen keeps screenshot paths short enough for every file system and
// for a terminal line.
const maxSlugLen = 60

// Slug turns a test name into a directory name and HTML anchor: lower-case
// ASCII letters and digits joined by single hyphens ("Log in — wrong
// password!" → "log-in-wrong-password"). Accents are dropped rather than
// the letters that carry them ("Überweisung" → "uberweisung"). A name with
// no such characters gives "test".
func Slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent of the letter before
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			sep := hyphen && b.Len() > 0
			if b.Len()+btoi(sep)+1 > maxSlugLen {
				return b.String()
			}
			if sep {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	if b.Len() == 0 {
		return "test"
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Slugs gives each test a distinct slug, in order: the first test keeps
// Slug(name), later ones whose slug is taken get "-2", "-3"… Test names are
// unique, but their slugs may not be ("Log in" and "log-in").
func Slugs(tests []*suite.Test) []string {
	out := make([]string, len(tests))
	taken := make(map[string]bool, len(tests))
	for i, t := range tests {
		base := "test"
		if t != nil {
			base = Slug(t.Name)
		}
		s := base
		for n := 2; taken[s]; n++ {
			s = base + "-" + strconv.Itoa(n)
		}
		taken[s] = true
		out[i] = s
	}
	return out
}

// validSlug reports whether s is safe as one path element and anchor:
// what Slug and Slugs produce.
func validSlug(s string) bool {
	if s == "" || len(s) > maxSlugLen+12 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
