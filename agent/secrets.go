package agent

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/argusqa/argus/internal/redact"
	"github.com/argusqa/argus/internal/totp"
	"github.com/argusqa/argus/suite"
)

var (
	placeholderRE = regexp.MustCompile(`\{\{\s*secret\.([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}`)
	// totpRE is the model's spelling of "the current one-time code of this
	// secret": the seed stays here, the model types {{totp.NAME}}.
	totpRE = regexp.MustCompile(`\{\{\s*totp\.([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}`)
)

// totpFreshness is how much of a code's validity must be left when it is
// typed: a code generated in the last seconds of its period may be stale by
// the time the form is submitted, so the agent waits for the next one.
const totpFreshness = 5 * time.Second

// secrets keeps secret values on the browser's side of the agent: it
// substitutes placeholders just before a browser action, turns values the
// page shows back into placeholders for the model, and masks values in
// everything recorded.
type secrets struct {
	values  map[string]string
	record  *redact.Redactor  // value → p******d, for records and logs
	toModel *strings.Replacer // value → {{secret.NAME}}, for the model
	// pairs are toModel's value, placeholder pairs, longest value first.
	pairs []string
	// email is the agent's own address behind {{email.address}}; empty
	// when the test has no mailbox.
	email string
	// bound are the links and codes of mail read so far, by their
	// placeholders ({{email.link.1}}, {{email.code.1}}): as secret as a
	// password while they are valid.
	bound map[string]string
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
	for _, n := range names {
		s.pairs = append(s.pairs, values[n], "{{secret."+n+"}}")
	}
	s.toModel = strings.NewReplacer(s.pairs...)
	return s
}

// mailRE is a placeholder of mail: the agent's address, or a link or code
// of mail it read.
var mailRE = regexp.MustCompile(`\{\{email\.(address|link\.\d+|code\.\d+)\}\}`)

// bind makes value a secret known as placeholder: masked in records,
// replaced by the placeholder for the model, substituted in actions.
func (s *secrets) bind(placeholder, value string) {
	if value == "" || s.bound[placeholder] != "" {
		return
	}
	if s.bound == nil {
		s.bound = map[string]string{}
	}
	s.bound[placeholder] = value
	s.alias(value, placeholder)
}

// alias masks value in records and shows it to the model as placeholder,
// e.g. the path and query of a bound link, which pages show on their own.
func (s *secrets) alias(value, placeholder string) {
	if len(value) < 4 {
		return
	}
	s.record.Add(value)
	pairs := make([][2]string, 0, len(s.pairs)/2+1)
	for i := 0; i < len(s.pairs); i += 2 {
		pairs = append(pairs, [2]string{s.pairs[i], s.pairs[i+1]})
	}
	pairs = append(pairs, [2]string{value, placeholder})
	slices.SortStableFunc(pairs, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	s.pairs = s.pairs[:0]
	for _, p := range pairs {
		s.pairs = append(s.pairs, p[0], p[1])
	}
	s.toModel = strings.NewReplacer(s.pairs...)
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
	var bad string
	out = mailRE.ReplaceAllStringFunc(out, func(m string) string {
		if m == suite.EmailAddress {
			if s.email == "" {
				bad = "this test has no mailbox, so {{email.address}} has no value: start the mail receiver (ARGUS_MAIL_LISTEN)"
				return m
			}
			return s.email
		}
		v, ok := s.bound[m]
		if !ok {
			bad = fmt.Sprintf("%s is not known: read the mail with read_email first and use a placeholder it shows", m)
			return m
		}
		return v
	})
	if bad != "" {
		return "", errors.New(bad)
	}
	return out, nil
}

func (s *secrets) names() string {
	if len(s.values) == 0 {
		return "none"
	}
	names := make([]string, 0, len(s.values))
	for n, v := range s.values {
		names = append(names, "{{secret."+n+"}}")
		if _, err := totp.Parse(v); err == nil {
			names = append(names, "{{totp."+n+"}} (its current one-time code)")
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// totpName returns NAME when text is exactly {{totp.NAME}}.
func totpName(text string) (string, bool) {
	m := totpRE.FindStringSubmatch(text)
	if m == nil || m[0] != text {
		return "", false
	}
	return m[1], true
}

// totpCode returns the current one-time code of the secret called name and
// masks it in everything recorded from now on. The code is as secret as a
// password while it is valid, and the seed never leaves this type.
func (s *secrets) totpCode(ctx context.Context, name string) (string, error) {
	v, ok := s.values[name]
	if !ok {
		return "", fmt.Errorf("unknown secret %q: the secrets available are %s", name, s.names())
	}
	key, err := totp.Parse(v)
	if err != nil {
		return "", fmt.Errorf("secret %q does not hold a TOTP seed (an otpauth:// URL or a base32 seed): %v", name, err)
	}
	now := time.Now()
	if left := key.Period() - time.Duration(now.UnixNano())%key.Period(); left < totpFreshness {
		if err := sleep(ctx, left); err != nil {
			return "", err
		}
		now = now.Add(left)
	}
	code, err := key.Code(now)
	if err != nil {
		return "", err
	}
	s.record.Add(code)
	return code, nil
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
