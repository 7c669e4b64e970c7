package agent

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/argusqa/argus/internal/redact"
	"github.com/argusqa/argus/internal/totp"
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
