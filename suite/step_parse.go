package suite

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// StepError is a syntax or validation error in one step. Offset is the
// byte offset in the step text where the problem starts, so an editor or
// the file parser can point at the exact column.
type StepError struct {
	Offset int
	Msg    string
}

func (e *StepError) Error() string { return e.Msg }

// verbWords are the first words of the step language, most used first so
// that typo suggestions prefer them.
var verbWords = []string{
	"click", "type", "expect", "navigate", "wait", "press", "select", "check",
	"uncheck", "clear", "upload", "scroll", "go", "reload", "open", "remember",
}

// verbSynonyms maps words people reach for to the verb the language uses.
var verbSynonyms = map[string]string{
	"fill": "type", "enter": "type", "input": "type", "write": "type",
	"visit": "navigate", "goto": "navigate", "browse": "navigate",
	"tap": "click", "push": "click", "hit": "press",
	"assert": "expect", "verify": "expect", "see": "expect", "should": "expect", "check_text": "expect",
	"choose": "select", "pick": "select", "tick": "check", "untick": "uncheck",
	"sleep": "wait", "pause": "wait", "refresh": "reload", "back": "go",
	"attach": "upload",
	"totp":   "type totp", "otp": "type totp",
	"save": "remember", "store": "remember", "keep": "remember", "capture": "remember",
}

const verbHelp = `steps start with navigate, go to, go back, reload, click, type, clear, select, check, uncheck, press, scroll, upload, wait, expect, open link or remember`

// ParseStep parses one step of the step language, for example
//
//	click "Sign in"
//	type "{{secret.password}}" into "Password"
//	expect text "Welcome back"
//
// Keywords are lower case; text is written in double quotes with Go escapes
// (\" \\ \n \t \uXXXX). See docs/test-files.md for the full language.
// Errors are *StepError values that say where the problem is and what is
// valid there.
func ParseStep(src string) (Step, error) {
	if len(src) > MaxStepLen {
		return Step{}, &StepError{Offset: MaxStepLen, Msg: fmt.Sprintf("step is longer than %d bytes", MaxStepLen)}
	}
	if !utf8.ValidString(src) {
		return Step{}, &StepError{Offset: invalidUTF8At(src), Msg: "step is not valid UTF-8"}
	}
	if i := strings.IndexFunc(src, func(r rune) bool { return isControl(r) && r != '\t' }); i >= 0 {
		if src[i] == '\n' || src[i] == '\r' {
			return Step{}, &StepError{Offset: i, Msg: `a step is a single line; write a line break in text as \n`}
		}
		return Step{}, &StepError{Offset: i, Msg: fmt.Sprintf("step contains the control character %q", src[i])}
	}
	toks, err := lex(src)
	if err != nil {
		return Step{}, err
	}
	if len(toks) == 0 {
		return Step{}, &StepError{Msg: "empty step; " + verbHelp}
	}
	p := &stepParser{src: src, toks: toks}
	s, err := p.step()
	if err != nil {
		return Step{}, err
	}
	if err := s.Validate(); err != nil {
		// The parser validates each part where it reads it; this catches
		// anything it missed rather than returning an invalid step.
		return Step{}, &StepError{Msg: err.Error()}
	}
	return s, nil
}

func invalidUTF8At(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return 0
}

type tokenKind int

const (
	tokWord   tokenKind = iota // a bare word: keyword, key, duration, role
	tokString                  // a double-quoted string, unquoted
	tokCSS                     // css=SELECTOR or css="SELECTOR"
)

type stepToken struct {
	kind tokenKind
	text string // the word, the unquoted string or the selector
	off  int    // byte offset of the token in the step
}

func (t stepToken) describe() string {
	switch t.kind {
	case tokString:
		return quote(t.text)
	case tokCSS:
		return "css=" + t.text
	}
	return quote(t.text)
}

func lex(src string) ([]stepToken, error) {
	var toks []stepToken
	i := 0
	for i < len(src) {
		r, size := utf8.DecodeRuneInString(src[i:])
		if isSpace(r) {
			i += size
			continue
		}
		start := i
		switch {
		case r == '"':
			text, end, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, stepToken{kind: tokString, text: text, off: start})
			i = end
		case strings.HasPrefix(src[i:], "css="):
			i += len("css=")
			if i < len(src) && src[i] == '"' {
				text, end, err := lexString(src, i)
				if err != nil {
					return nil, err
				}
				toks = append(toks, stepToken{kind: tokCSS, text: text, off: start})
				i = end
				break
			}
			// A bare selector runs to the next space and keeps quotes,
			// so css=input[name="email"] works as written.
			end := i
			for end < len(src) {
				r, size := utf8.DecodeRuneInString(src[end:])
				if isSpace(r) {
					break
				}
				end += size
			}
			if end == i {
				return nil, &StepError{Offset: start, Msg: `css= needs a selector right after it, e.g. css=#email or css="form button"`}
			}
			toks = append(toks, stepToken{kind: tokCSS, text: src[i:end], off: start})
			i = end
		case r == '\'' || r == '“' || r == '”' || r == '‘' || r == '’':
			return nil, &StepError{Offset: start, Msg: `text is written in straight double quotes: "like this"`}
		default:
			end := i
			for end < len(src) {
				r, size := utf8.DecodeRuneInString(src[end:])
				if isSpace(r) || r == '"' {
					break
				}
				end += size
			}
			toks = append(toks, stepToken{kind: tokWord, text: src[i:end], off: start})
			i = end
		}
	}
	return toks, nil
}

// lexString reads the double-quoted string starting at src[start] and
// returns its value and the offset just after the closing quote.
func lexString(src string, start int) (string, int, error) {
	j := start + 1
	for j < len(src) && src[j] != '"' {
		if src[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(src) {
		return "", 0, &StepError{Offset: start, Msg: `unterminated string: a closing " is missing (write a " inside text as \")`}
	}
	raw := src[start : j+1]
	text, err := strconv.Unquote(raw)
	if err != nil {
		return "", 0, &StepError{Offset: start, Msg: fmt.Sprintf(`invalid escape in %s: the escapes are \" \\ \n \t \r and \uXXXX`, raw)}
	}
	if !utf8.ValidString(text) {
		return "", 0, &StepError{Offset: start, Msg: fmt.Sprintf("%s does not decode to valid UTF-8", raw)}
	}
	end := j + 1
	if end < len(src) {
		if r, _ := utf8.DecodeRuneInString(src[end:]); !isSpace(r) {
			return "", 0, &StepError{Offset: end, Msg: "expected a space after the closing quote"}
		}
	}
	return text, end, nil
}

type stepParser struct {
	src  string
	toks []stepToken
	pos  int
	verb string // the verb's words so far, for messages
}

func (p *stepParser) errAt(off int, format string, args ...any) error {
	return &StepError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// endOffset is where a missing token would have been.
func (p *stepParser) endOffset() int { return len(strings.TrimRightFunc(p.src, isSpace)) }

func (p *stepParser) peek() (stepToken, bool) {
	if p.pos >= len(p.toks) {
		return stepToken{}, false
	}
	return p.toks[p.pos], true
}

func (p *stepParser) next() (stepToken, bool) {
	t, ok := p.peek()
	if ok {
		p.pos++
	}
	return t, ok
}

// acceptWord consumes the next token if it is one of the given words.
func (p *stepParser) acceptWord(words ...string) (string, bool) {
	t, ok := p.peek()
	if !ok || t.kind != tokWord {
		return "", false
	}
	for _, w := range words {
		if t.text == w {
			p.pos++
			return w, true
		}
	}
	return "", false
}

// word consumes one of the given keywords or explains which were expected.
func (p *stepParser) word(what string, words ...string) (string, error) {
	if w, ok := p.acceptWord(words...); ok {
		return w, nil
	}
	t, ok := p.peek()
	if !ok {
		return "", p.errAt(p.endOffset(), "%s: expected %s", p.verb, what)
	}
	msg := fmt.Sprintf("%s: expected %s, got %s", p.verb, what, t.describe())
	if t.kind == tokWord {
		if s := suggest(t.text, words); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
	}
	return "", p.errAt(t.off, "%s", msg)
}

// str reads a quoted string. what names it for messages ("the text to
// type"); bare lists extra bare forms accepted (URLs, placeholders).
func (p *stepParser) str(what string, bare func(string) bool) (stepToken, error) {
	t, ok := p.next()
	if !ok {
		return stepToken{}, p.errAt(p.endOffset(), "%s: expected %s in double quotes", p.verb, what)
	}
	switch {
	case t.kind == tokString:
		return t, nil
	case t.kind == tokWord && bare != nil && bare(t.text):
		return t, nil
	}
	return stepToken{}, p.errAt(t.off, "%s: expected %s in double quotes, got %s%s", p.verb, what, t.describe(), p.quoteHint(t))
}

// quoteHint suggests quoting the rest of the step when a bare word stands
// where text belongs: click Sign in → click "Sign in".
func (p *stepParser) quoteHint(t stepToken) string {
	if t.kind != tokWord {
		return ""
	}
	rest := strings.TrimRightFunc(p.src[t.off:], isSpace)
	if strings.ContainsAny(rest, `"\`) || len(rest) > 80 {
		return ""
	}
	for _, kw := range []string{" into ", " in ", " from ", " to ", " within "} {
		if i := strings.Index(rest, kw); i > 0 {
			rest = rest[:i]
		}
	}
	return fmt.Sprintf(" (write %s)", quote(rest))
}

func (p *stepParser) end() error {
	t, ok := p.peek()
	if !ok {
		return nil
	}
	return p.errAt(t.off, "%s: unexpected %s after the end of the step", p.verb, t.describe())
}

func (p *stepParser) step() (Step, error) {
	t, _ := p.next()
	if t.kind != tokWord {
		return Step{}, p.errAt(t.off, "a step starts with a verb, e.g. click %s; %s", t.describe(), verbHelp)
	}
	p.verb = t.text
	var s Step
	var err error
	switch t.text {
	case "navigate":
		p.acceptWord("to")
		s, err = p.navigate()
	case "go":
		var w string
		if w, err = p.word(`"to" or "back"`, "to", "back"); err != nil {
			return Step{}, err
		}
		p.verb = "go " + w
		if w == "back" {
			s = Step{Verb: VerbBack}
		} else {
			s, err = p.navigate()
		}
	case "reload":
		s = Step{Verb: VerbReload}
	case "click":
		s.Verb = VerbClick
		s.Target, err = p.locator(locatorText)
	case "type":
		s, err = p.typeStep()
	case "clear", "check", "uncheck":
		s.Verb = map[string]Verb{"clear": VerbClear, "check": VerbCheck, "uncheck": VerbUncheck}[t.text]
		s.Target, err = p.locator(locatorLabel)
	case "select":
		s.Verb = VerbSelect
		s.Value, err = p.textValue("the option to select", valueText)
		if err == nil {
			_, err = p.word(`"in" or "from" and the field, e.g. select "Belgium" in "Country"`, "in", "from")
		}
		if err == nil {
			s.Target, err = p.locator(locatorLabel)
		}
	case "upload":
		s.Verb = VerbUpload
		s.Value, err = p.textValue("the file path", valuePath)
		if err == nil {
			_, err = p.word(`"to" and the file field, e.g. upload "cv.pdf" to "Resume"`, "to", "into")
		}
		if err == nil {
			s.Target, err = p.locator(locatorLabel)
		}
	case "press":
		s, err = p.press()
	case "scroll":
		s, err = p.scroll()
	case "wait":
		s, err = p.wait()
	case "expect":
		s, err = p.expect()
	case "open":
		s, err = p.openLink()
	case "remember":
		s, err = p.rememberStep()
	default:
		return Step{}, p.unknownVerb(t)
	}
	if err != nil {
		return Step{}, err
	}
	if err := p.end(); err != nil {
		return Step{}, err
	}
	return s, nil
}

func (p *stepParser) unknownVerb(t stepToken) error {
	lower := strings.ToLower(t.text)
	if lower != t.text {
		for _, v := range verbWords {
			if v == lower {
				return p.errAt(t.off, "unknown verb %q (keywords are lower case: %q)", t.text, lower)
			}
		}
	}
	if v, ok := verbSynonyms[lower]; ok {
		return p.errAt(t.off, "unknown verb %q (did you mean %q?)", t.text, v)
	}
	if s := suggest(t.text, verbWords); s != "" {
		return p.errAt(t.off, "unknown verb %q (did you mean %q?)", t.text, s)
	}
	return p.errAt(t.off, "unknown verb %q; %s", t.text, verbHelp)
}

func (p *stepParser) navigate() (Step, error) {
	v, err := p.textValue("the URL (a /path or a full http(s) URL)", valueURL)
	return Step{Verb: VerbNavigate, Value: v}, err
}

func (p *stepParser) typeStep() (Step, error) {
	if _, ok := p.acceptWord("totp"); ok {
		return p.typeTOTP()
	}
	if _, ok := p.acceptWord("code"); ok {
		return p.typeEmailCode()
	}
	if t, ok := p.peek(); ok && t.kind == tokWord && !isBarePlaceholder(t.text) {
		if w := strings.ToLower(t.text); w == "otp" || w == "2fa" || w == "mfa" || w == "one-time" || suggest(w, []string{"totp"}) == "totp" {
			return Step{}, p.errAt(t.off, `type: unknown word %q (did you mean "totp"? type totp "{{secret.NAME}}" into "Code" types the current one-time code)`, t.text)
		}
	}
	t, err := p.str("the text to type", isBarePlaceholder)
	if err != nil {
		return Step{}, err
	}
	if err := validateValue(t.text, valueSecretOK); err != nil {
		return Step{}, p.errAt(t.off, "type: %v", err)
	}
	if _, err := p.word(`"into" and the field, e.g. type "ada@example.com" into "Email"`, "into", "in"); err != nil {
		return Step{}, err
	}
	loc, err := p.locator(locatorLabel)
	return Step{Verb: VerbType, Value: t.text, Target: loc}, err
}

// typeTOTP reads the rest of type totp "{{secret.NAME}}" into FIELD.
func (p *stepParser) typeTOTP() (Step, error) {
	p.verb = "type totp"
	t, err := p.str(`the secret holding the TOTP seed, e.g. "{{secret.shop_totp}}",`, isBarePlaceholder)
	if err != nil {
		return Step{}, err
	}
	if err := validateValue(t.text, valueTOTP); err != nil {
		return Step{}, p.errAt(t.off, "type totp: %v", err)
	}
	if _, err := p.word(`"into" and the field, e.g. type totp "{{secret.shop_totp}}" into "Code"`, "into", "in"); err != nil {
		return Step{}, err
	}
	loc, err := p.locator(locatorLabel)
	return Step{Verb: VerbTypeTOTP, Value: t.text, Target: loc}, err
}

// typeEmailCode reads the rest of type code from email into FIELD.
func (p *stepParser) typeEmailCode() (Step, error) {
	p.verb = "type code"
	if _, err := p.word(`"from email", e.g. type code from email into "Code"`, "from"); err != nil {
		return Step{}, err
	}
	if _, err := p.word(`"email" after "from"`, "email", "mail"); err != nil {
		return Step{}, err
	}
	p.verb = "type code from email"
	if _, err := p.word(`"into" and the field, e.g. type code from email into "Code"`, "into", "in"); err != nil {
		return Step{}, err
	}
	loc, err := p.locator(locatorLabel)
	return Step{Verb: VerbTypeEmailCode, Target: loc}, err
}

// openLink reads open link "Text" from email.
func (p *stepParser) openLink() (Step, error) {
	if t, ok := p.peek(); ok && t.kind == tokString {
		return Step{}, p.errAt(t.off, `open: to load a page write navigate %s; open link "Text" from email follows a link of the received mail`, t.describe())
	}
	if _, err := p.word(`"link", e.g. open link "Confirm" from email (to load a page, write navigate "/path")`, "link"); err != nil {
		return Step{}, err
	}
	p.verb = "open link"
	v, err := p.textValue("the link's text, e.g. \"Confirm\",", valueText)
	if err != nil {
		return Step{}, err
	}
	if _, err := p.word(`"from email", e.g. open link "Confirm" from email`, "from"); err != nil {
		return Step{}, err
	}
	if _, err := p.word(`"email" after "from"`, "email", "mail"); err != nil {
		return Step{}, err
	}
	return Step{Verb: VerbOpenEmailLink, Value: v}, nil
}

// rememberStep reads the rest of remember text of ELEMENT as NAME.
func (p *stepParser) rememberStep() (Step, error) {
	if _, err := p.word(`"text of", e.g. remember text of "Order number" as order_id`, "text"); err != nil {
		return Step{}, err
	}
	if _, err := p.word(`"of" after "text", e.g. remember text of "Order number" as order_id`, "of"); err != nil {
		return Step{}, err
	}
	p.verb = "remember text of"
	loc, err := p.locator(locatorText)
	if err != nil {
		return Step{}, err
	}
	if _, err := p.word(`"as" and a name, e.g. remember text of "Order number" as order_id`, "as"); err != nil {
		return Step{}, err
	}
	t, ok := p.next()
	if !ok {
		return Step{}, p.errAt(p.endOffset(), `remember text of: expected a name after "as", e.g. order_id`)
	}
	if err := CheckVarName(t.text); err != nil {
		return Step{}, p.errAt(t.off, "remember text of: %v", err)
	}
	return Step{Verb: VerbRemember, Target: loc, Value: t.text}, nil
}

func isBarePlaceholder(w string) bool { return secretRe.FindString(w) == w }

// isBareWord accepts any bare word; used where a single word is all that
// can follow (URLs), so writing it unquoted is unambiguous.
func isBareWord(string) bool { return true }

// textValue reads a string argument and validates it as kind.
func (p *stepParser) textValue(what string, kind valueKind) (string, error) {
	var bare func(string) bool
	if kind == valueURL || kind == valueURLPart {
		bare = isBareWord
	}
	t, err := p.str(what, bare)
	if err != nil {
		return "", err
	}
	if t.text == "" {
		return "", p.errAt(t.off, "%s: %s is empty", p.verb, what)
	}
	if err := validateValue(t.text, kind); err != nil {
		return "", p.errAt(t.off, "%s: %v", p.verb, err)
	}
	return t.text, nil
}

func (p *stepParser) press() (Step, error) {
	t, ok := p.next()
	if !ok {
		return Step{}, p.errAt(p.endOffset(), "press: expected a key, e.g. press Enter; %s", keyHelp)
	}
	if t.kind == tokCSS {
		return Step{}, p.errAt(t.off, "press: expected a key, got %s; %s", t.describe(), keyHelp)
	}
	key, err := canonicalKey(t.text)
	if err != nil {
		return Step{}, p.errAt(t.off, "press: %v", err)
	}
	s := Step{Verb: VerbPress, Key: key}
	if _, ok := p.acceptWord("in", "into", "on"); ok {
		s.Target, err = p.locator(locatorLabel)
	}
	return s, err
}

func (p *stepParser) scroll() (Step, error) {
	w, err := p.word(`"down", "up" or "to" and an element`, "down", "up", "to")
	if err != nil {
		return Step{}, err
	}
	switch w {
	case "down":
		return Step{Verb: VerbScrollDown}, nil
	case "up":
		return Step{Verb: VerbScrollUp}, nil
	}
	p.verb = "scroll to"
	loc, err := p.locator(locatorText)
	return Step{Verb: VerbScrollTo, Target: loc}, err
}

func (p *stepParser) wait() (Step, error) {
	if _, ok := p.acceptWord("for"); !ok {
		d, err := p.duration()
		return Step{Verb: VerbWait, Duration: d}, err
	}
	var s Step
	var err error
	if _, ok := p.acceptWord("url"); ok {
		p.verb = "wait for url"
		s.Verb = VerbWaitForURL
		s.Value, err = p.textValue("a part of the URL", valueURLPart)
	} else {
		p.verb = "wait for"
		s.Verb = VerbWaitFor
		s.Target, err = p.locator(locatorText)
	}
	if err != nil {
		return Step{}, err
	}
	if _, ok := p.acceptWord("within"); ok {
		s.Duration, err = p.duration()
	}
	return s, err
}

func (p *stepParser) duration() (time.Duration, error) {
	t, ok := p.next()
	if !ok {
		return 0, p.errAt(p.endOffset(), "%s: expected a duration such as 500ms, 2s or 1m", p.verb)
	}
	if t.kind == tokCSS {
		return 0, p.errAt(t.off, "%s: expected a duration such as 500ms, 2s or 1m, got %s", p.verb, t.describe())
	}
	d, err := time.ParseDuration(t.text)
	if err != nil {
		hint := ""
		if t.kind == tokWord && (t.text == "for" || t.text == "until") {
			hint = `; to wait on a condition write wait for "text"`
		}
		return 0, p.errAt(t.off, "%s: %q is not a duration; write e.g. 500ms, 2s or 1m%s", p.verb, t.text, hint)
	}
	if err := checkWait(d); err != nil {
		return 0, p.errAt(t.off, "%s: %v", p.verb, err)
	}
	return d, nil
}

var expectWords = []string{"text", "no", "url", "title", "visible", "hidden", "email"}

func (p *stepParser) expect() (Step, error) {
	w, err := p.word(`text, no text, url, title, visible, hidden, email, no console errors or no failed requests after "expect"`, expectWords...)
	if err != nil {
		return Step{}, err
	}
	p.verb = "expect " + w
	var s Step
	switch w {
	case "text":
		s.Verb = VerbExpectText
		s.Value, err = p.textValue("the text", valueSecretOK)
	case "url":
		s.Verb = VerbExpectURL
		s.Value, err = p.textValue("a part of the URL", valueURLPart)
	case "title":
		s.Verb = VerbExpectTitle
		s.Value, err = p.textValue("the title", valueText)
	case "email":
		return p.expectEmail()
	case "visible", "hidden":
		s.Verb = VerbExpectVisible
		if w == "hidden" {
			s.Verb = VerbExpectHidden
		}
		s.Target, err = p.locator(locatorText)
	case "no":
		var what string
		if what, err = p.word(`text "…", console errors or failed requests after "expect no"`, "text", "console", "failed"); err != nil {
			return Step{}, err
		}
		switch what {
		case "text":
			p.verb = "expect no text"
			s.Verb = VerbExpectNoText
			s.Value, err = p.textValue("the text", valueSecretOK)
		case "console":
			p.verb = "expect no console"
			if _, err = p.word(`"errors"`, "errors"); err == nil {
				s.Verb = VerbExpectNoConsoleErrors
			}
		case "failed":
			s.Verb, err = p.failedRequests()
		}
	}
	return s, err
}

// failedRequests reads the rest of "expect no failed requests [from the
// app]".
func (p *stepParser) failedRequests() (Verb, error) {
	p.verb = "expect no failed"
	if _, err := p.word(`"requests"`, "requests"); err != nil {
		return VerbInvalid, err
	}
	p.verb = "expect no failed requests"
	if _, ok := p.acceptWord("from"); !ok {
		return VerbExpectNoFailedRequests, nil
	}
	for _, w := range []string{"the", "app"} {
		if _, err := p.word(`"from the app" (requests to the application's own origin)`, w); err != nil {
			return VerbInvalid, err
		}
	}
	return VerbExpectNoFailedAppRequests, nil
}

// expectEmail reads the rest of expect email to "ADDRESS" [with subject
// "…"] [within DURATION].
func (p *stepParser) expectEmail() (Step, error) {
	s := Step{Verb: VerbExpectEmail}
	if _, err := p.word(`"to" and the recipient, e.g. expect email to "{{email.address}}" with subject "Confirm"`, "to", "for"); err != nil {
		return Step{}, err
	}
	t, err := p.str(`the recipient, "{{email.address}}" or an address,`, func(w string) bool { return w == EmailAddress })
	if err != nil {
		return Step{}, err
	}
	if err := checkRecipient(t.text); err != nil {
		return Step{}, p.errAt(t.off, "expect email: %v", err)
	}
	s.To = t.text
	if _, ok := p.acceptWord("with"); ok {
		if _, err := p.word(`"subject" after "with"`, "subject"); err != nil {
			return Step{}, err
		}
		if s.Value, err = p.textValue("a part of the subject", valueText); err != nil {
			return Step{}, err
		}
	}
	if _, ok := p.acceptWord("within"); ok {
		if s.Duration, err = p.duration(); err != nil {
			return Step{}, err
		}
	}
	return s, nil
}

const locatorHelp = `an element: "Text", text "…", label "…", role ROLE "Name" or css=SELECTOR`

// locator reads an element reference; a bare quoted string means kind.
func (p *stepParser) locator(kind locatorKind) (Locator, error) {
	t, ok := p.next()
	if !ok {
		return Locator{}, p.errAt(p.endOffset(), "%s: expected %s", p.verb, locatorHelp)
	}
	var l Locator
	switch {
	case t.kind == tokString:
		if kind == locatorLabel {
			l.Label = t.text
		} else {
			l.Text = t.text
		}
	case t.kind == tokCSS:
		l.CSS = t.text
	case t.text == "text" || t.text == "label" || t.text == "css":
		kw := t.text
		v, err := p.str(kw, nil)
		if err != nil {
			return Locator{}, err
		}
		t = v
		switch kw {
		case "text":
			l.Text = v.text
		case "label":
			l.Label = v.text
		default:
			l.CSS = v.text
		}
	case t.text == "role":
		r, ok := p.next()
		if !ok || r.kind != tokWord {
			off := p.endOffset()
			if ok {
				off = r.off
			}
			return Locator{}, p.errAt(off, `%s: expected an ARIA role after "role", e.g. role button "Sign in"`, p.verb)
		}
		if !knownRole(r.text) {
			msg := fmt.Sprintf("%s: unknown ARIA role %q", p.verb, r.text)
			if s := suggest(r.text, ariaRoles); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += "; common roles are button, link, textbox, checkbox, radio, combobox, heading, dialog, tab and menuitem"
			}
			return Locator{}, p.errAt(r.off, "%s", msg)
		}
		l.Role = r.text
		if n, ok := p.peek(); ok && n.kind == tokString {
			p.pos++
			if n.text == "" {
				return Locator{}, p.errAt(n.off, "%s: the accessible name is empty; leave it out to match any %s", p.verb, r.text)
			}
			l.Name = n.text
			t = n
		}
	default:
		msg := fmt.Sprintf("%s: expected %s, got %s", p.verb, locatorHelp, t.describe())
		if s := suggest(t.text, []string{"text", "label", "role", "css"}); s != "" && len(t.text) > 2 {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += p.quoteHint(t)
		}
		return Locator{}, p.errAt(t.off, "%s", msg)
	}
	if err := l.validate(); err != nil {
		if l.Text == "" && l.Label == "" && l.Role == "" && l.CSS == "" {
			return Locator{}, p.errAt(t.off, "%s: the element's text is empty", p.verb)
		}
		return Locator{}, p.errAt(t.off, "%s: %v", p.verb, err)
	}
	return l, nil
}
