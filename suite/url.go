package suite

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// CheckURL reports whether u can be a test's url or a navigate target: a
// path starting with "/" (joined to the base URL, see ResolveURL) or an
// absolute http or https URL.
func CheckURL(u string) error {
	switch {
	case u == "":
		return errors.New("URL is empty")
	case strings.ContainsFunc(u, isSpace):
		return fmt.Errorf("URL %q contains spaces (encode them as %%20)", u)
	case strings.ContainsFunc(u, isControl):
		return fmt.Errorf("URL %q contains control characters", u)
	case strings.HasPrefix(u, "//"):
		return fmt.Errorf("URL %q has no scheme: write a path (/login) or a full URL (https://host/login)", u)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("URL %q does not parse: %w", u, errors.Unwrap(err))
	}
	if strings.HasPrefix(u, "/") {
		return nil
	}
	if parsed.Scheme != "http" && parsed.Scheme != "https" {
		return fmt.Errorf("URL %q: write a path starting with / (relative to the base URL) or a full http:// or https:// URL", u)
	}
	if parsed.Host == "" {
		return fmt.Errorf("URL %q has no host", u)
	}
	return nil
}

// ResolveURL turns a test's url (or a navigate target) into an absolute URL.
// Absolute URLs are returned as they are. A path is appended to the base
// URL's path, so an application served under a prefix keeps it:
// base http://host/app and "/login?next=/" give http://host/app/login?next=/.
// The base URL's query and fragment are dropped.
func ResolveURL(base, ref string) (string, error) {
	if err := CheckURL(ref); err != nil {
		return "", err
	}
	if !strings.HasPrefix(ref, "/") {
		return ref, nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("base URL %q does not parse: %w", base, errors.Unwrap(err))
	}
	if (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
		return "", fmt.Errorf("base URL %q must be an absolute http:// or https:// URL", base)
	}
	b.RawQuery, b.Fragment, b.RawFragment, b.ForceQuery = "", "", "", false
	joined := strings.TrimSuffix(b.String(), "/") + ref
	if _, err := url.Parse(joined); err != nil {
		return "", fmt.Errorf("join %q to base URL %q: %w", ref, base, errors.Unwrap(err))
	}
	return joined, nil
}

// isSpace is the one definition of white space for steps and URLs, so the
// step tokenizer and Step.String agree on what needs quoting.
func isSpace(r rune) bool { return unicode.IsSpace(r) }

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
