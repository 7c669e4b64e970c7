package suite

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// Limits of covers: globs.
const (
	MaxCovers   = 50
	MaxCoverLen = 200
)

// coverProblem checks one covers: glob against those already accepted. A
// glob is a slash-separated path relative to the repository root, as git
// prints it; each segment is a path.Match pattern, and a segment ** stands
// for any number of directories (none included).
func coverProblem(g string, seen []string) string {
	switch {
	case g == "":
		return "a covers: glob is empty; write a repository path such as demo/templates/*.html"
	case utf8.RuneCountInString(g) > MaxCoverLen:
		return fmt.Sprintf("covers: glob is longer than %d characters", MaxCoverLen)
	case strings.HasPrefix(g, "/") || strings.HasPrefix(g, "./"):
		return fmt.Sprintf("covers: glob %q: write it relative to the repository root, without a leading / or ./", g)
	case strings.Contains(g, "\\"):
		return fmt.Sprintf("covers: glob %q: use / between directories (escapes are not supported)", g)
	case slices.Contains(seen, g):
		return fmt.Sprintf("covers: glob %q is listed twice", g)
	}
	for seg := range strings.SplitSeq(g, "/") {
		switch {
		case seg == "" || seg == "." || seg == "..":
			return fmt.Sprintf("covers: glob %q has an empty, . or .. segment", g)
		case seg == "**":
		case strings.Contains(seg, "**"):
			return fmt.Sprintf("covers: glob %q: ** must be a whole segment, as in src/**/checkout.go", g)
		default:
			if _, err := path.Match(seg, ""); err != nil {
				return fmt.Sprintf("covers: glob %q: segment %q is not a valid pattern (* ? [a-z])", g, seg)
			}
		}
	}
	return ""
}

// MatchCover reports whether the repository path file matches the covers:
// glob g (see coverProblem for the syntax). An invalid glob matches
// nothing.
func MatchCover(g, file string) bool {
	file = strings.TrimPrefix(file, "./")
	return matchSegments(strings.Split(g, "/"), strings.Split(file, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// Covering returns the first of the test's covers: globs that file
// matches.
func (t *Test) Covering(file string) (glob string, ok bool) {
	for _, g := range t.Covers {
		if MatchCover(g, file) {
			return g, true
		}
	}
	return "", false
}

func (d *decoder) covers(n ast.Node, p string) []string {
	var out []string
	for i, item := range d.list(n, p, MaxCovers) {
		ipath := fmt.Sprintf("%s[%d]", p, i)
		s, ok := d.line(item, ipath)
		if !ok {
			continue
		}
		if msg := coverProblem(s, out); msg != "" {
			d.errorf(d.pos(item), ipath, "%s", msg)
		} else {
			out = append(out, s)
		}
	}
	return out
}
