package agent

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/argusqa/argus/internal/redact"
)

var placeholderRE = regexp.MustCompile(`\{\{\s*secret\.([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}`)

// secrets keeps secret values on the browser's side of the agent: it
// substitutes placeholders just before a browser action, turns values the
// page shows back into placeholders for the model, and masks values in
// everything recorded.
type secrets struct {
	values  map[string]string
	record  *redact.Redactor  // value → p******d, for records and logs
	toModel *strings.Replacer // value → {{secret.NAME}}, for the model
}

func newSecrets(values map[string]string) *secrets {
	s := &secrets{values: values, record: redact.New()}
	names := make([]string, 0, len(values))
	for n, v := range values {
		if v != "" {
			names = append(names, n)
			s.record.Add(v)
		}
	}
	// Longest values first, so a secret containing another is replaced whole.
	slices.SortFunc(names, func(a, b string) int { return len(values[b]) - len(values[a]) })
	pairs := make([]string, 0, 2*len(names))
	for _, n := range names {
		pairs = append(pairs, values[n], "{{secret."+n+"}}")
	}
	s.toModel = strings.NewReplacer(pairs...)
	return s
}

// substitute replaces placeholders with values, for a browser action only.
func (s *secrets) substitute(text string) (string, error) {
	var missing []string
	out := placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholderRE.FindStringSubmatch(m)[1]
		v, ok := s.values[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("unknown secret %q: the secrets available are %s", missing[0], s.names())
	}
	return out, nil
}

func (s *secrets) names() string {
	if len(s.values) == 0 {
		return "none"
	}
	names := make([]string, 0, len(s.values))
	for n := range s.values {
		names = append(names, "{{secret."+n+"}}")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// forModel hides secret values in text bound for the model behind their
// placeholders, and masks anything typed into password fields.
func (s *secrets) forModel(text string) string {
	return s.record.String(s.toModel.Replace(text))
}

// forRecord masks secret values in text that is stored, printed or sent.
func (s *secrets) forRecord(text string) string { return s.record.String(text) }

// typedIntoPassword registers a literal value typed into a password field,
// so it is masked from now on.
func (s *secrets) typedIntoPassword(value string) {
	if value != "" && !placeholderRE.MatchString(value) {
		s.record.Add(value)
	}
}
