package discovery

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/argusqa/argus/suite"
)

// Suggestion is one suggested test: explicit steps built from what the map
// and the forms phase saw, so it runs without a model.
type Suggestion struct {
	Name  string   `yaml:"name"`
	URL   string   `yaml:"url"`
	Steps []string `yaml:"steps,omitempty"`
	// Goal and Checkpoints describe a journey of the flows phase, which a
	// model carries out.
	Goal        string   `yaml:"goal,omitempty"`
	Checkpoints []string `yaml:"checkpoints,omitempty"`
	Tags        []string `yaml:"tags,omitempty"`
	// Why says what the test is based on; written as a YAML comment-free
	// field only in the JSON map, not in the test file.
	Why string `yaml:"-"`
}

// maxSuggestions caps the suggested tests of one discovery.
const maxSuggestions = 40

func q(s string) string { return strconv.Quote(s) }

// suggest builds the suggested tests from a result and keeps those the
// suite's rules accept.
func suggest(res *Result) []Suggestion {
	m, si := res.Map, res.SignIn
	var out []Suggestion
	walled := map[string]string{}
	for _, w := range m.AuthWalls {
		walled[w.Path] = w.SignIn
	}
	signInSteps := func() []string {
		return []string{
			"type " + q(si.Username) + " into " + q(si.UsernameLabel),
			"type " + q(suite.SecretPlaceholder(si.Secret)) + " into " + q(si.PasswordLabel),
			"click role button " + q(si.Submit),
			"wait for url " + q(si.Landed),
		}
	}
	// A page loads and shows its heading.
	for _, p := range m.Pages {
		if len(p.Headings) == 0 || p.Status >= 400 || strings.Contains(p.Path, "#") {
			continue
		}
		s := Suggestion{Name: "The " + pageName(p) + " page shows its heading", URL: p.Path, Tags: []string{"discovered", "pages"},
			Why: "page " + p.Path + " was reached with the heading " + q(p.Headings[0])}
		if p.Persona {
			if si == nil {
				continue
			}
			s.URL = si.Path
			s.Steps = append(signInSteps(), "navigate "+q(p.Path), "expect url "+q(p.Path))
		}
		s.Steps = append(s.Steps, "expect visible role heading "+q(p.Headings[0]))
		if p.ConsoleErrors == 0 {
			s.Steps = append(s.Steps, "expect no console errors")
		}
		out = append(out, s)
	}
	// An auth wall sends an anonymous visitor to sign in.
	for _, w := range m.AuthWalls {
		out = append(out, Suggestion{
			Name: "The " + pageName(*m.Page(w.Path)) + " page asks an anonymous visitor to sign in", URL: w.Path,
			Steps: []string{"expect url " + q(w.SignIn)}, Tags: []string{"discovered", "auth"},
			Why: "an anonymous visit to " + w.Path + " ended on " + w.SignIn,
		})
	}
	// The start page's navigation reaches each page it links to.
	start := m.Pages[0]
	seen := map[string]bool{}
	texts := map[string]int{}
	for _, l := range m.Links {
		if l.From == start.Path {
			texts[strings.ToLower(l.Text)]++
		}
	}
	for _, l := range m.Links {
		if l.From != start.Path || l.Persona || l.To == "/" || !l.Nav || !l.Visible || l.Text == "" || seen[l.To] || texts[strings.ToLower(l.Text)] > 1 || strings.Contains(l.To, "#") {
			continue
		}
		seen[l.To] = true
		out = append(out, Suggestion{
			Name: "The navigation link " + q(l.Text) + " opens " + l.To, URL: start.Path,
			Steps: []string{"click role link " + q(l.Text), "expect url " + q(l.To)}, Tags: []string{"discovered", "navigation"},
			Why: "the start page links to " + l.To + " in its navigation",
		})
	}
	// A form explains what is wrong with empty input.
	for _, p := range m.Pages {
		for _, f := range p.Forms {
			pr := f.Probe
			if pr == nil || !pr.Stayed || len(f.Submits) == 0 || p.Persona && si == nil {
				continue
			}
			msgs := slices.Clone(pr.Messages)
			for _, label := range sortedKeys(pr.FieldErrors) {
				if e := pr.FieldErrors[label]; !slices.Contains(msgs, e) {
					msgs = append(msgs, e)
				}
			}
			if len(msgs) == 0 {
				continue
			}
			s := Suggestion{Name: "The " + formName(f, p) + " form explains what is missing", URL: p.Path,
				Tags: []string{"discovered", "forms", "validation"},
				Why:  "submitting the form on " + p.Path + " empty kept the visitor there with messages"}
			if p.Persona {
				s.URL = si.Path
				s.Steps = append(signInSteps(), "navigate "+q(p.Path))
			}
			s.Steps = append(s.Steps, "click role button "+q(f.Submits[0]))
			for _, msg := range msgs[:min(len(msgs), 5)] {
				s.Steps = append(s.Steps, "expect text "+q(msg))
			}
			s.Steps = append(s.Steps, "expect url "+q(p.Path))
			out = append(out, s)
		}
	}
	// Keep what the suite's rules accept, with unique names.
	var kept []Suggestion
	names := map[string]bool{}
	for _, s := range out {
		if len(kept) == maxSuggestions || names[s.Name] {
			continue
		}
		if _, err := suite.Parse("suggestion.yaml", mustYAML(s)); err != nil {
			continue
		}
		names[s.Name] = true
		kept = append(kept, s)
	}
	return kept
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func pageName(p Page) string {
	if p.Path == "/" {
		return "home"
	}
	if len(p.Headings) > 0 && len(p.Headings[0]) <= 40 {
		return q(p.Headings[0])
	}
	return p.Path
}

func formName(f Form, p Page) string {
	switch f.Kind {
	case "sign-in", "sign-up", "search":
		return f.Kind + " (" + p.Path + ")"
	}
	return cmpOr(q(f.Name), "form on "+p.Path)
}

func mustYAML(v any) []byte {
	b, err := yaml.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discovery: marshal a suggestion: %v", err))
	}
	return b
}

// SuggestedYAML is the suggested tests as one test file.
func (r *Result) SuggestedYAML() []byte {
	var b strings.Builder
	b.WriteString("# Tests suggested by `argus discover` for " + r.Map.BaseURL + ".\n")
	b.WriteString("# Review them, keep the ones worth keeping, and move them into your suite.\n")
	if r.SignIn != nil {
		b.WriteString("# Tests that sign in use the secret " + r.SignIn.Secret + " (ARGUS_SECRET_" + strings.ToUpper(r.SignIn.Secret) + ").\n")
	}
	b.Write(mustYAML(map[string]any{"tests": r.Tests}))
	return []byte(b.String())
}

// filterSuggestions keeps the suggestions the suite's rules accept whose
// names none of have already takes.
func filterSuggestions(in, have []Suggestion) []Suggestion {
	names := map[string]bool{}
	for _, s := range have {
		names[s.Name] = true
	}
	var out []Suggestion
	for _, s := range in {
		if names[s.Name] {
			continue
		}
		if _, err := suite.Parse("suggestion.yaml", mustYAML(s)); err != nil {
			continue
		}
		names[s.Name] = true
		out = append(out, s)
	}
	return out
}
