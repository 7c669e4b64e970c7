package suite

import (
	"fmt"
	"regexp"
	"strings"
)

// Secrets appear in tests only as placeholders {{secret.NAME}}. The model
// and every stored record see the placeholder; an executor substitutes the
// value only inside the browser action.

// EmailAddress is the placeholder of the agent's own mailbox address, a
// fresh one per agent (signup-7f3k2@<project>.<mail domain>), for the
// application under test to send mail to. It is not a secret.
const EmailAddress = "{{email.address}}"

// checkRecipient accepts {{email.address}} or a literal address.
func checkRecipient(to string) error {
	if to == EmailAddress {
		return nil
	}
	if strings.Contains(to, "{{") {
		return fmt.Errorf("the recipient is written %s (the agent's own address) or a literal address, not %s", EmailAddress, to)
	}
	if local, domain, ok := strings.Cut(to, "@"); !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(to, " \t\"") {
		return fmt.Errorf("%q is not a mail address; write %s for the agent's own address", to, EmailAddress)
	}
	return nil
}

// emailRe finds attempts at the email placeholder, to catch misspellings.
var emailRe = regexp.MustCompile(`(?i)\{\{[^{}]*e-?mail[^{}]*\}\}`)

// SecretPlaceholder returns the placeholder for the secret called name.
func SecretPlaceholder(name string) string { return "{{secret." + name + "}}" }

var (
	// secretRe is the one accepted spelling: no spaces, a name that is an
	// identifier. Redaction relies on this being exact.
	secretRe = regexp.MustCompile(`\{\{secret\.([A-Za-z_][A-Za-z0-9_]{0,63})\}\}`)
	// braceRe finds anything that looks like a placeholder, to catch
	// misspellings of the accepted form.
	braceRe = regexp.MustCompile(`\{\{[^{}]*\}\}`)
)

// hasPlaceholder reports whether s contains something that looks like a
// secret placeholder, valid or not.
func hasPlaceholder(s string) bool {
	if !strings.Contains(s, "{{") {
		return false
	}
	for _, m := range braceRe.FindAllString(s, -1) {
		if looksLikeSecret(m) {
			return true
		}
	}
	return false
}

func looksLikeSecret(m string) bool {
	l := strings.ToLower(m)
	return strings.Contains(l, "secret") || strings.Contains(l, "totp")
}

// totpRe is the model's spelling of a one-time code; a test file writes
// the step type totp "{{secret.NAME}}" instead, so its secret is checked
// when the suite loads.
var totpRe = regexp.MustCompile(`\{\{\s*totp\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// checkPlaceholders rejects misspelt secret placeholders, which would
// otherwise be typed into the page literally.
func checkPlaceholders(s string) error {
	if !strings.Contains(s, "{{") {
		return nil
	}
	if err := checkVarPlaceholders(s); err != nil {
		return err
	}
	for _, m := range braceRe.FindAllString(s, -1) {
		if m != EmailAddress && emailRe.MatchString(m) {
			return fmt.Errorf("malformed email placeholder %s: the agent's own address is written %s", m, EmailAddress)
		}
		if !looksLikeSecret(m) {
			continue
		}
		if t := totpRe.FindStringSubmatch(m); t != nil {
			return fmt.Errorf(`%s is how the model types a one-time code; in a test write the step type totp "{{secret.%s}}" into "Code"`, m, t[1])
		}
		if !secretRe.MatchString(m) || secretRe.FindString(m) != m {
			return fmt.Errorf("malformed secret placeholder %s: write {{secret.NAME}} with no spaces, NAME being letters, digits and _ (at most 64)", m)
		}
	}
	return nil
}

// secretNames returns the secret names referenced in s, in order, without
// duplicates.
func secretNames(s string) []string {
	if !strings.Contains(s, "{{secret.") {
		return nil
	}
	var names []string
	for _, m := range secretRe.FindAllStringSubmatch(s, -1) {
		names = appendUnique(names, m[1])
	}
	return names
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
