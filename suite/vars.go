package suite

import (
	"fmt"
	"regexp"
	"strings"
)

// Values flow forward through a plan: a test remembers a value it reads
// on the page (remember text of "Order number" as order_id, or the
// model's remember tool) and the tests that need it write {{vars.NAME}}
// where the value belongs.

var (
	varNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
	// varsRe is the one accepted spelling of a value's placeholder.
	varsRe = regexp.MustCompile(`\{\{vars\.([A-Za-z_][A-Za-z0-9_]{0,63})\}\}`)
	// varsLikeRe finds attempts at it, to catch misspellings.
	varsLikeRe = regexp.MustCompile(`(?i)\{\{\s*vars?\b[^{}]*\}\}`)
)

// CheckVarName reports whether name can name a remembered value.
func CheckVarName(name string) error {
	if !varNameRe.MatchString(name) {
		return fmt.Errorf("%q cannot name a remembered value: use letters, digits and _ (at most 64), starting with a letter or _, e.g. order_id", name)
	}
	return nil
}

// VarPlaceholder returns the placeholder of the remembered value name.
func VarPlaceholder(name string) string { return "{{vars." + name + "}}" }

// checkVarPlaceholders rejects misspelt value placeholders, which would
// otherwise be typed or looked for literally.
func checkVarPlaceholders(s string) error {
	if !strings.Contains(s, "{{") {
		return nil
	}
	for _, m := range varsLikeRe.FindAllString(s, -1) {
		if varsRe.FindString(m) != m {
			return fmt.Errorf("malformed value placeholder %s: write {{vars.NAME}} with no spaces, NAME being the name a remember step gave", m)
		}
	}
	return nil
}

// varNames returns the value names referenced in s, in order, without
// duplicates.
func varNames(s string) []string {
	var names []string
	for _, m := range varsRe.FindAllStringSubmatch(s, -1) {
		names = appendUnique(names, m[1])
	}
	return names
}

// Vars returns the names of the remembered values the test uses through
// {{vars.NAME}}, in order of first use.
func (t *Test) Vars() []string {
	var names []string
	add := func(s string) {
		for _, n := range varNames(s) {
			names = appendUnique(names, n)
		}
	}
	add(t.URL)
	add(t.Goal)
	for _, c := range t.Checkpoints {
		add(c)
	}
	for _, s := range t.Steps {
		add(s.Value)
		add(s.Target.Text)
		add(s.Target.Label)
		add(s.Target.Name)
		add(s.Target.CSS)
	}
	return names
}

// Remembers returns the names the test's remember steps store, in order.
func (t *Test) Remembers() []string {
	var names []string
	for _, s := range t.Steps {
		if s.Verb == VerbRemember {
			names = appendUnique(names, s.Value)
		}
	}
	return names
}

// ExpandVars returns a copy of t with every {{vars.NAME}} replaced by its
// value in vars. A name missing from vars is an error that says which
// test should have remembered it. The copy keeps t's identity (name,
// position, plan); its Hash differs, so callers key replays by t.Hash().
func (t *Test) ExpandVars(vars map[string]string) (*Test, error) {
	for _, n := range t.Vars() {
		if _, ok := vars[n]; !ok {
			return nil, fmt.Errorf("test %q uses {{vars.%s}}, which none of the tests it needs remembered (a step remember text of … as %s, or the model's remember tool)", t.Name, n, n)
		}
	}
	sub := func(s string) string {
		if !strings.Contains(s, "{{vars.") {
			return s
		}
		return varsRe.ReplaceAllStringFunc(s, func(m string) string {
			return vars[varsRe.FindStringSubmatch(m)[1]]
		})
	}
	c := *t
	c.URL = sub(t.URL)
	c.Goal = sub(t.Goal)
	c.Checkpoints = make([]string, len(t.Checkpoints))
	for i, cp := range t.Checkpoints {
		c.Checkpoints[i] = sub(cp)
	}
	c.Steps = make([]Step, len(t.Steps))
	for i, s := range t.Steps {
		s.Value = sub(s.Value)
		s.Target.Text = sub(s.Target.Text)
		s.Target.Label = sub(s.Target.Label)
		s.Target.Name = sub(s.Target.Name)
		s.Target.CSS = sub(s.Target.CSS)
		c.Steps[i] = s
	}
	return &c, nil
}
