package suite

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Verb is what an explicit step does. The zero value is invalid so that a
// Step built in code without a verb is caught by Validate.
type Verb int

// The verbs of the step language. The comment after each one is its
// canonical spelling, the one Step.String produces.
const (
	VerbInvalid                   Verb = iota
	VerbNavigate                       // navigate "URL"
	VerbBack                           // go back
	VerbReload                         // reload
	VerbClick                          // click <locator>
	VerbType                           // type "value" into <locator>
	VerbClear                          // clear <locator>
	VerbSelect                         // select "Option" in <locator>
	VerbCheck                          // check <locator>
	VerbUncheck                        // uncheck <locator>
	VerbPress                          // press KEY [in <locator>]
	VerbScrollDown                     // scroll down
	VerbScrollUp                       // scroll up
	VerbScrollTo                       // scroll to <locator>
	VerbUpload                         // upload "path" to <locator>
	VerbWait                           // wait DURATION
	VerbWaitFor                        // wait for <locator> [within DURATION]
	VerbWaitForURL                     // wait for url "part" [within DURATION]
	VerbExpectText                     // expect text "…"
	VerbExpectNoText                   // expect no text "…"
	VerbExpectURL                      // expect url "part"
	VerbExpectTitle                    // expect title "…"
	VerbExpectVisible                  // expect visible <locator>
	VerbExpectHidden                   // expect hidden <locator>
	VerbExpectNoConsoleErrors          // expect no console errors
	VerbTypeTOTP                       // type totp "{{secret.NAME}}" into <locator>
	VerbExpectNoFailedRequests         // expect no failed requests
	VerbExpectNoFailedAppRequests      // expect no failed requests from the app
	VerbExpectEmail                    // expect email to "{{email.address}}" [with subject "…"] [within DURATION]
	VerbOpenEmailLink                  // open link "Text" from email
	VerbTypeEmailCode                  // type code from email into <locator>
	VerbRemember                       // remember text of <locator> as NAME
	numVerbs
)

var verbNames = [numVerbs]string{
	VerbInvalid:                   "invalid",
	VerbNavigate:                  "navigate",
	VerbBack:                      "go back",
	VerbReload:                    "reload",
	VerbClick:                     "click",
	VerbType:                      "type",
	VerbClear:                     "clear",
	VerbSelect:                    "select",
	VerbCheck:                     "check",
	VerbUncheck:                   "uncheck",
	VerbPress:                     "press",
	VerbScrollDown:                "scroll down",
	VerbScrollUp:                  "scroll up",
	VerbScrollTo:                  "scroll to",
	VerbUpload:                    "upload",
	VerbWait:                      "wait",
	VerbWaitFor:                   "wait for",
	VerbWaitForURL:                "wait for url",
	VerbExpectText:                "expect text",
	VerbExpectNoText:              "expect no text",
	VerbExpectURL:                 "expect url",
	VerbExpectTitle:               "expect title",
	VerbExpectVisible:             "expect visible",
	VerbExpectHidden:              "expect hidden",
	VerbExpectNoConsoleErrors:     "expect no console errors",
	VerbTypeTOTP:                  "type totp",
	VerbExpectNoFailedRequests:    "expect no failed requests",
	VerbExpectNoFailedAppRequests: "expect no failed requests from the app",
	VerbExpectEmail:               "expect email",
	VerbOpenEmailLink:             "open link",
	VerbTypeEmailCode:             "type code from email",
	VerbRemember:                  "remember text of",
}

// String returns the verb's keywords as written in a step ("expect no text").
func (v Verb) String() string {
	if v < 0 || v >= numVerbs {
		return "Verb(" + strconv.Itoa(int(v)) + ")"
	}
	return verbNames[v]
}

// IsExpectation reports whether the verb checks the page rather than acting
// on it. A failed expectation is the test's verdict: an agent must never
// "heal" it by trying something else.
func (v Verb) IsExpectation() bool {
	return v >= VerbExpectText && v <= VerbExpectNoConsoleErrors || v == VerbExpectNoFailedRequests || v == VerbExpectNoFailedAppRequests || v == VerbExpectEmail
}

// UsesEmail reports whether the verb reads the test's mailbox.
func (v Verb) UsesEmail() bool {
	return v == VerbExpectEmail || v == VerbOpenEmailLink || v == VerbTypeEmailCode
}

// Limits and defaults of the step language.
const (
	// MaxWait caps both "wait DURATION" and the "within DURATION" of a
	// "wait for": a fixed sleep longer than this is almost always a mistake,
	// and a condition that takes longer points at a problem worth reporting.
	MaxWait = 60 * time.Second
	// DefaultWaitFor is how long "wait for" waits when no "within" is given.
	DefaultWaitFor = 10 * time.Second
	// DefaultEmailWait is how long "expect email" waits for the mail when
	// no "within" is given: applications often send it from a queue.
	DefaultEmailWait = 30 * time.Second
	// DefaultExpectTimeout is how long an executor retries an expectation
	// before failing it, so pages that update asynchronously pass without
	// explicit waits.
	DefaultExpectTimeout = 5 * time.Second
	// MaxStepLen is the longest step accepted, in bytes.
	MaxStepLen = 2000
)

// Locator says which element a step acts on. Exactly one of Text, Label,
// Role or CSS is set; Name narrows Role. The fields mirror the browser
// layer's Target so an executor can copy them across one to one.
type Locator struct {
	// Text matches a visible element by its text or accessible name.
	Text string
	// Label matches a form control by its label (label element, aria-label,
	// aria-labelledby, or failing those its placeholder).
	Label string
	// Role matches by ARIA role (explicit or implicit), e.g. "button".
	Role string
	// Name is the accessible name to match together with Role; empty
	// matches any element with that role.
	Name string
	// CSS is a CSS selector.
	CSS string
}

// IsZero reports whether no field is set.
func (l Locator) IsZero() bool { return l == Locator{} }

// String renders the locator in its explicit form: text "…", label "…",
// role button "…" or css=….
func (l Locator) String() string {
	var b strings.Builder
	l.write(&b, locatorNone)
	return b.String()
}

// locatorKind names the locator form a verb uses for a bare quoted string.
type locatorKind int

const (
	locatorNone locatorKind = iota
	locatorText
	locatorLabel
)

func (l Locator) write(b *strings.Builder, bare locatorKind) {
	switch {
	case l.Text != "":
		if bare != locatorText {
			b.WriteString("text ")
		}
		b.WriteString(quote(l.Text))
	case l.Label != "":
		if bare != locatorLabel {
			b.WriteString("label ")
		}
		b.WriteString(quote(l.Label))
	case l.Role != "":
		b.WriteString("role ")
		b.WriteString(l.Role)
		if l.Name != "" {
			b.WriteByte(' ')
			b.WriteString(quote(l.Name))
		}
	case l.CSS != "":
		b.WriteString("css=")
		if bareCSS(l.CSS) {
			b.WriteString(l.CSS)
		} else {
			b.WriteString(quote(l.CSS))
		}
	}
}

// bareCSS reports whether a selector can be written after css= without
// quotes: it must be one word and must not look like a quoted string.
func bareCSS(sel string) bool {
	if sel == "" || sel[0] == '"' {
		return false
	}
	for _, r := range sel {
		if isSpace(r) || r == '\\' || !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

// bareKey reports whether a key can be written unquoted: letters, digits
// and the + of chords. Anything else (", ', \, …) is quoted so the
// tokenizer reads it back as one key.
func bareKey(k string) bool {
	for _, r := range k {
		if r != '+' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return k != ""
}

func (l Locator) validate() error {
	set := 0
	for _, s := range []string{l.Text, l.Label, l.Role, l.CSS} {
		if s != "" {
			set++
		}
	}
	switch {
	case set == 0:
		return errors.New("locator is empty: set one of Text, Label, Role or CSS")
	case set > 1:
		return errors.New("locator sets more than one of Text, Label, Role and CSS")
	case l.Name != "" && l.Role == "":
		return errors.New("locator Name is only used together with Role")
	case l.Role != "" && !knownRole(l.Role):
		return fmt.Errorf("unknown ARIA role %q", l.Role)
	}
	for _, s := range []string{l.Text, l.Label, l.Name, l.CSS} {
		if err := checkText(s); err != nil {
			return err
		}
		if hasPlaceholder(s) {
			return errors.New("secret placeholders cannot be used in a locator")
		}
	}
	return nil
}

// Step is one explicit step. Which fields are used depends on Verb (see the
// Verb constants); the others are zero, so two Steps are equal exactly when
// they mean the same thing and == compares them.
type Step struct {
	Verb Verb
	// Target is the element acted on or checked.
	Target Locator
	// Value is the URL to navigate to, the text to type (which may contain
	// {{secret.NAME}} placeholders), the secret holding a TOTP seed (one
	// {{secret.NAME}} placeholder), the option to select, the path to
	// upload, or the text, URL part or title an expectation looks for.
	Value string
	// Key is the key or chord to press, canonically spelled ("Enter",
	// "Control+a").
	Key string
	// Duration is the sleep of "wait" and the optional "within" of
	// "wait for" and "expect email"; zero there means DefaultWaitFor
	// (DefaultEmailWait).
	Duration time.Duration
	// To is the recipient "expect email" waits for: {{email.address}}, the
	// agent's own address, or a literal one. For "expect email" Value is
	// the part of the subject to look for (optional) and for "open link"
	// the link's text.
	To string
}

// remember's Value is the name the value is kept under, {{vars.NAME}} in
// later tests of a plan.

// String renders the step in canonical form; ParseStep(s.String()) returns
// s for every valid step. An invalid step renders as a description that
// does not parse.
func (s Step) String() string {
	if err := s.Validate(); err != nil {
		return fmt.Sprintf("<invalid step: %v>", err)
	}
	return s.render()
}

// render writes the step out; it assumes the fields fit the verb.
func (s Step) render() string {
	var b strings.Builder
	b.WriteString(s.Verb.String())
	arg := func(str string) {
		b.WriteByte(' ')
		b.WriteString(str)
	}
	loc := func(kind locatorKind) {
		b.WriteByte(' ')
		s.Target.write(&b, kind)
	}
	switch s.Verb {
	case VerbNavigate, VerbExpectText, VerbExpectNoText, VerbExpectURL, VerbExpectTitle:
		arg(quote(s.Value))
	case VerbClick, VerbScrollTo, VerbExpectVisible, VerbExpectHidden:
		loc(locatorText)
	case VerbType, VerbTypeTOTP:
		arg(quote(s.Value))
		arg("into")
		loc(locatorLabel)
	case VerbClear, VerbCheck, VerbUncheck:
		loc(locatorLabel)
	case VerbSelect:
		arg(quote(s.Value))
		arg("in")
		loc(locatorLabel)
	case VerbUpload:
		arg(quote(s.Value))
		arg("to")
		loc(locatorLabel)
	case VerbPress:
		if bareKey(s.Key) {
			arg(s.Key)
		} else {
			arg(quote(s.Key))
		}
		if !s.Target.IsZero() {
			arg("in")
			loc(locatorLabel)
		}
	case VerbWait:
		arg(FormatDuration(s.Duration))
	case VerbWaitFor:
		loc(locatorText)
	case VerbWaitForURL:
		arg(quote(s.Value))
	case VerbExpectEmail:
		arg("to")
		arg(quote(s.To))
		if s.Value != "" {
			arg("with subject")
			arg(quote(s.Value))
		}
	case VerbOpenEmailLink:
		arg(quote(s.Value))
		arg("from email")
	case VerbTypeEmailCode:
		arg("into")
		loc(locatorLabel)
	case VerbRemember:
		loc(locatorText)
		arg("as")
		arg(s.Value)
	}
	if (s.Verb == VerbWaitFor || s.Verb == VerbWaitForURL || s.Verb == VerbExpectEmail) && s.Duration != 0 {
		arg("within")
		arg(FormatDuration(s.Duration))
	}
	return b.String()
}

// MarshalText encodes the step in its canonical text form, so steps are
// stored as readable strings in JSON and YAML.
func (s Step) MarshalText() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a step written in the step language.
func (s *Step) UnmarshalText(text []byte) error {
	st, err := ParseStep(string(text))
	if err != nil {
		return err
	}
	*s = st
	return nil
}

// Secrets returns the names of the secrets the step's value refers to, in
// order of appearance.
func (s Step) Secrets() []string {
	return secretNames(s.Value)
}

// Validate reports whether the step is well formed: the fields its verb
// uses are set and valid, and the others are zero. ParseStep only returns
// valid steps; code that builds steps (such as saving an agent's actions for
// replay) should call Validate before storing them.
func (s Step) Validate() error {
	if s.Verb <= VerbInvalid || s.Verb >= numVerbs {
		return fmt.Errorf("invalid verb %d", int(s.Verb))
	}
	sh := verbShapes[s.Verb]
	switch {
	case sh.value == required && s.Value == "":
		return fmt.Errorf("%s: the value is empty", s.Verb)
	case sh.value == unused && s.Value != "":
		return fmt.Errorf("%s takes no value", s.Verb)
	}
	if s.Value != "" || sh.emptyValue {
		if err := validateValue(s.Value, sh.kind); err != nil {
			return fmt.Errorf("%s: %w", s.Verb, err)
		}
	}

	switch {
	case sh.target == required || (sh.target == optional && !s.Target.IsZero()):
		if err := s.Target.validate(); err != nil {
			return fmt.Errorf("%s: %w", s.Verb, err)
		}
	case sh.target == unused && !s.Target.IsZero():
		return fmt.Errorf("%s takes no element", s.Verb)
	}

	switch {
	case sh.key != unused:
		canon, err := canonicalKey(s.Key)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Verb, err)
		}
		if canon != s.Key {
			return fmt.Errorf("%s: key %q is not in canonical form %q", s.Verb, s.Key, canon)
		}
	case s.Key != "":
		return fmt.Errorf("%s takes no key", s.Verb)
	}

	switch {
	case sh.duration == required || (sh.duration == optional && s.Duration != 0):
		if err := checkWait(s.Duration); err != nil {
			return fmt.Errorf("%s: %w", s.Verb, err)
		}
	case s.Duration != 0:
		return fmt.Errorf("%s takes no duration", s.Verb)
	}
	switch {
	case sh.to:
		if err := checkRecipient(s.To); err != nil {
			return fmt.Errorf("%s: %w", s.Verb, err)
		}
	case s.To != "":
		return fmt.Errorf("%s takes no recipient", s.Verb)
	}
	// Escapes make the written form longer than the values; it must still
	// parse back.
	if n := len(s.render()); n > MaxStepLen {
		return fmt.Errorf("%s: the step is %d bytes when written out; at most %d", s.Verb, n, MaxStepLen)
	}
	return nil
}

// valueKind says what a step's Value holds, for validation.
type valueKind int

const (
	valueText     valueKind = iota // plain text, no placeholders
	valueSecretOK                  // text that may contain {{secret.NAME}}
	valueURL                       // a URL to navigate to: /path or http(s)://…
	valueURLPart                   // a part of a URL to look for
	valuePath                      // a local file path
	valueTOTP                      // exactly one {{secret.NAME}}: the secret holding a TOTP seed
	valueVarName                   // the name of a remembered value: letters, digits and _
)

func validateValue(v string, kind valueKind) error {
	if err := checkText(v); err != nil {
		return err
	}
	if kind == valueSecretOK {
		return checkPlaceholders(v)
	}
	if kind == valueTOTP {
		if err := checkPlaceholders(v); err != nil {
			return err
		}
		if secretRe.FindString(v) != v {
			return fmt.Errorf(`the secret holding the TOTP seed is written as one placeholder, e.g. type totp "{{secret.shop_totp}}" into "Code"; got %s`, quote(v))
		}
		return nil
	}
	if kind == valueVarName {
		return CheckVarName(v)
	}
	if hasPlaceholder(v) {
		return errors.New("secret placeholders are only allowed in the value of type, expect text and expect no text")
	}
	switch kind {
	case valueURL:
		return CheckURL(v)
	case valueURLPart:
		if strings.ContainsFunc(v, isSpace) {
			return errors.New("a URL part cannot contain spaces (encode them as %20)")
		}
	case valuePath:
		if strings.ContainsRune(v, 0) {
			return errors.New("a file path cannot contain NUL")
		}
	}
	return nil
}

// checkText rejects text that cannot be a value in a step: invalid UTF-8
// (steps are stored and shown as text) and overlong strings.
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("text is not valid UTF-8")
	}
	if len(s) > MaxStepLen {
		return fmt.Errorf("text is longer than %d bytes", MaxStepLen)
	}
	return nil
}

func checkWait(d time.Duration) error {
	switch {
	case d <= 0:
		return fmt.Errorf("duration %s must be positive", d)
	case d > MaxWait:
		return fmt.Errorf("duration %s is longer than the %s cap; wait for a condition instead (wait for \"text\" within 30s)", FormatDuration(d), FormatDuration(MaxWait))
	}
	return nil
}

// quote writes s as a double-quoted string with Go escapes (\" \\ \n \t
// \uXXXX), which ParseStep reads back.
func quote(s string) string { return strconv.Quote(s) }

// FormatDuration renders d like time.Duration.String without the trailing
// zero units ("1m" rather than "1m0s"); the result parses with
// time.ParseDuration.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
