package app

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"
)

// fieldErrors maps a form field's name to the message shown under it.
type fieldErrors map[string]string

// The validation messages; the demo suite expects some of them verbatim.
const (
	msgNameRequired    = "Enter your name."
	msgEmailInvalid    = "Enter a valid email address, like name@example.com."
	msgEmailTaken      = "An account with this email already exists. Log in instead."
	msgPasswordShort   = "Password must be at least 8 characters."
	msgPasswordLong    = "Password must be at most 72 characters."
	msgPasswordsDiffer = "Passwords do not match."
	msgPhoneInvalid    = "Enter a phone number with at least 7 digits, like +32 470 12 34 56."
	msgWebsiteInvalid  = "Enter a web address starting with http:// or https://."
	msgBioTooLong      = "Keep your bio to 200 characters or fewer."
	msgFixErrors       = "Please fix the errors below."
	msgLoginFailed     = "Invalid email or password."
)

type signupForm struct {
	Name, Email, Password, Confirm string
}

func (f signupForm) validate() fieldErrors {
	errs := fieldErrors{}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 80 {
		errs["name"] = msgNameRequired
	}
	if !validEmail(f.Email) {
		errs["email"] = msgEmailInvalid
	}
	switch {
	case utf8.RuneCountInString(f.Password) < 8:
		errs["password"] = msgPasswordShort
	case len(f.Password) > 72: // bcrypt's limit, in bytes
		errs["password"] = msgPasswordLong
	}
	if f.Confirm != f.Password {
		errs["confirm"] = msgPasswordsDiffer
	}
	return errs
}

// validEmail accepts a bare address whose domain has a dot; display names
// ("Ada <ada@example.com>") are not an email address in a form.
func validEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.HasSuffix(s, ".")
}

type profileForm struct {
	Name, Phone, Website, Bio string
}

func (f profileForm) validate() fieldErrors {
	errs := fieldErrors{}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 80 {
		errs["name"] = msgNameRequired
	}
	if f.Phone != "" && !validPhone(f.Phone) {
		errs["phone"] = msgPhoneInvalid
	}
	if f.Website != "" && !validWebsite(f.Website) {
		errs["website"] = msgWebsiteInvalid
	}
	if utf8.RuneCountInString(f.Bio) > 200 {
		errs["bio"] = msgBioTooLong
	}
	return errs
}

func validPhone(s string) bool {
	if len(s) > 20 {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 7
}

func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t")
}

// localPath returns next if it is a path on this site, so the login form
// cannot be used to redirect to another site.
func localPath(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}
