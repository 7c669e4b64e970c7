package browser

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zone names validate the same on every host

	"golang.org/x/text/language"
)

// MaxUserAgentLen bounds a user agent string; real ones are under 300.
const MaxUserAgentLen = 500

// Identity is who the browser presents itself as: its language, its time
// zone and its user agent, as a persona sets them. The zero value keeps
// the browser's own. The profile stays fresh either way: an identity
// changes how the browser describes itself, never what it remembers.
type Identity struct {
	// Locale is a BCP 47 language tag such as "de-DE": navigator.language,
	// the Accept-Language header and Intl formatting all follow it.
	Locale string
	// Timezone is an IANA time zone such as "Europe/Berlin": Date and Intl
	// in the page use it.
	Timezone string
	// UserAgent replaces the User-Agent header and navigator.userAgent.
	UserAgent string
}

// IsZero reports whether the identity changes nothing.
func (id Identity) IsZero() bool { return id == Identity{} }

// Validate reports values no browser can take. Its messages name the field
// and say what is valid, for forms and APIs to show as they are.
func (id Identity) Validate() error {
	var errs []error
	if id.Locale != "" {
		if _, err := language.Parse(id.Locale); err != nil || strings.ContainsAny(id.Locale, " ,;") {
			errs = append(errs, fmt.Errorf("locale %q is not a BCP 47 language tag such as en-GB or de-DE", id.Locale))
		}
	}
	if id.Timezone != "" {
		if _, err := time.LoadLocation(id.Timezone); err != nil || id.Timezone == "Local" || strings.HasPrefix(id.Timezone, "/") {
			errs = append(errs, fmt.Errorf("time zone %q is not an IANA time zone such as Europe/Berlin or America/New_York", id.Timezone))
		}
	}
	if id.UserAgent != "" {
		switch {
		case len(id.UserAgent) > MaxUserAgentLen:
			errs = append(errs, fmt.Errorf("user agent is %d bytes; at most %d", len(id.UserAgent), MaxUserAgentLen))
		case strings.ContainsFunc(id.UserAgent, func(r rune) bool { return r < 0x20 || r > 0x7e }):
			errs = append(errs, errors.New("user agent must be printable ASCII, as an HTTP header value is"))
		}
	}
	return errors.Join(errs...)
}

// acceptLanguage is the Accept-Language value for a locale: the tag, then
// its base language at a lower weight ("de-DE,de;q=0.9"), as browsers send.
func acceptLanguage(locale string) string {
	tag, err := language.Parse(locale)
	if err != nil {
		return locale
	}
	base, _ := tag.Base()
	if base.String() == tag.String() {
		return tag.String()
	}
	return tag.String() + "," + base.String() + ";q=0.9"
}
