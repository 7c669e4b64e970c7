package mail

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
)

// labelPattern is what a mailbox label (one DNS label) may be.
var labelPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// localPattern is what a local part Argus accepts may be: plain dot-atoms,
// which every application's address validation takes.
var localPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9._+-]{0,62}[a-z0-9])?$`)

// ValidLabel reports whether label can name a mailbox.
func ValidLabel(label string) bool { return labelPattern.MatchString(label) }

// SplitAddress splits local@label.domain (case-insensitive, in lower case)
// and reports whether addr is inside domain.
func SplitAddress(addr, domain string) (local, label string, ok bool) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, host, found := strings.Cut(addr, "@")
	if !found || !localPattern.MatchString(local) {
		return "", "", false
	}
	label, rest, found := strings.Cut(host, ".")
	if !found || rest != strings.ToLower(domain) || !labelPattern.MatchString(label) {
		return "", "", false
	}
	return local, label, true
}

// Address is local@label.domain.
func Address(local, label, domain string) string {
	return local + "@" + label + "." + strings.ToLower(domain)
}

// NewAddress makes a fresh address in a mailbox, prefix-xxxxx@label.domain,
// with five random base-32 characters, so that each agent reads only the
// mail sent to its own address.
func NewAddress(prefix, label, domain string) string {
	return Address(prefix+"-"+RandomSuffix(5), label, domain)
}

// AddressPrefix names an agent's address after its test: "Sign up and
// confirm" → "sign-up-and", so a person reading a mailbox sees which test
// a message was for.
func AddressPrefix(test string) string {
	p := LabelFor(test)
	if len(p) > 12 {
		p = strings.TrimRight(p[:12], "-")
	}
	return p
}

const suffixAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// RandomSuffix returns n characters from an alphabet without look-alikes.
func RandomSuffix(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = suffixAlphabet[int(b[i])%len(suffixAlphabet)]
	}
	return string(b)
}

// LabelFor derives a mailbox label from a project name: lower-case letters
// and digits joined by hyphens, at most 40 characters, "project" when
// nothing is left.
func LabelFor(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	if s == "" {
		return "project"
	}
	return s
}

// CheckDomain validates ARGUS_MAIL_DOMAIN's shape: DNS labels separated by
// dots, at least two of them.
func CheckDomain(domain string) error {
	parts := strings.Split(domain, ".")
	if len(parts) < 2 {
		return fmt.Errorf("mail domain %q must have at least two labels, such as mail.argus.test", domain)
	}
	for _, p := range parts {
		if !labelPattern.MatchString(p) {
			return fmt.Errorf("mail domain %q: %q is not a lower-case DNS label", domain, p)
		}
	}
	return nil
}
