package suite

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseStep(t *testing.T) {
	cases := []struct {
		src       string
		want      Step
		canonical string // Step.String(); empty means src itself
	}{
		{`navigate "/login"`, Step{Verb: VerbNavigate, Value: "/login"}, ""},
		{`navigate to "/login"`, Step{Verb: VerbNavigate, Value: "/login"}, `navigate "/login"`},
		{`go to "https://example.com/a?b=c"`, Step{Verb: VerbNavigate, Value: "https://example.com/a?b=c"}, `navigate "https://example.com/a?b=c"`},
		{`navigate /products?q=lamp`, Step{Verb: VerbNavigate, Value: "/products?q=lamp"}, `navigate "/products?q=lamp"`},
		{`go back`, Step{Verb: VerbBack}, ""},
		{`reload`, Step{Verb: VerbReload}, ""},
		{`click "Sign in"`, Step{Verb: VerbClick, Target: Locator{Text: "Sign in"}}, ""},
		{`click text "Sign in"`, Step{Verb: VerbClick, Target: Locator{Text: "Sign in"}}, `click "Sign in"`},
		{`click label "Remember me"`, Step{Verb: VerbClick, Target: Locator{Label: "Remember me"}}, ""},
		{`click role button "Sign in"`, Step{Verb: VerbClick, Target: Locator{Role: "button", Name: "Sign in"}}, ""},
		{`click role dialog`, Step{Verb: VerbClick, Target: Locator{Role: "dialog"}}, ""},
		{`click css=#submit`, Step{Verb: VerbClick, Target: Locator{CSS: "#submit"}}, ""},
		{`click css=input[name="email"]`, Step{Verb: VerbClick, Target: Locator{CSS: `input[name="email"]`}}, ""},
		{`click css="form > button.primary"`, Step{Verb: VerbClick, Target: Locator{CSS: "form > button.primary"}}, ""},
		{`click css "#a"`, Step{Verb: VerbClick, Target: Locator{CSS: "#a"}}, `click css=#a`},
		{`type "ada@example.com" into "Email"`, Step{Verb: VerbType, Value: "ada@example.com", Target: Locator{Label: "Email"}}, ""},
		{`type "x" in "Email"`, Step{Verb: VerbType, Value: "x", Target: Locator{Label: "Email"}}, `type "x" into "Email"`},
		{`type {{secret.password}} into "Password"`, Step{Verb: VerbType, Value: "{{secret.password}}", Target: Locator{Label: "Password"}}, `type "{{secret.password}}" into "Password"`},
		{`type "" into "Search"`, Step{Verb: VerbType, Value: "", Target: Locator{Label: "Search"}}, ""},
		{`type "line 1\nline \"2\"" into text "Comment"`, Step{Verb: VerbType, Value: "line 1\nline \"2\"", Target: Locator{Text: "Comment"}}, ""},
		{`type "x" into css=#q`, Step{Verb: VerbType, Value: "x", Target: Locator{CSS: "#q"}}, ""},
		{`clear "Search"`, Step{Verb: VerbClear, Target: Locator{Label: "Search"}}, ""},
		{`select "Belgium" in "Country"`, Step{Verb: VerbSelect, Value: "Belgium", Target: Locator{Label: "Country"}}, ""},
		{`select "Belgium" from "Country"`, Step{Verb: VerbSelect, Value: "Belgium", Target: Locator{Label: "Country"}}, `select "Belgium" in "Country"`},
		{`check "I agree"`, Step{Verb: VerbCheck, Target: Locator{Label: "I agree"}}, ""},
		{`uncheck role checkbox "Newsletter"`, Step{Verb: VerbUncheck, Target: Locator{Role: "checkbox", Name: "Newsletter"}}, ""},
		{`press Enter`, Step{Verb: VerbPress, Key: "Enter"}, ""},
		{`press enter`, Step{Verb: VerbPress, Key: "Enter"}, `press Enter`},
		{`press "Escape"`, Step{Verb: VerbPress, Key: "Escape"}, `press Escape`},
		{`press esc`, Step{Verb: VerbPress, Key: "Escape"}, `press Escape`},
		{`press shift+ctrl+a`, Step{Verb: VerbPress, Key: "Control+Shift+a"}, `press Control+Shift+a`},
		{`press Control++`, Step{Verb: VerbPress, Key: "Control++"}, ""},
		{`press Tab in "Email"`, Step{Verb: VerbPress, Key: "Tab", Target: Locator{Label: "Email"}}, ""},
		{`scroll down`, Step{Verb: VerbScrollDown}, ""},
		{`scroll up`, Step{Verb: VerbScrollUp}, ""},
		{`scroll to "Footer"`, Step{Verb: VerbScrollTo, Target: Locator{Text: "Footer"}}, ""},
		{`upload "files/cv.pdf" to "Resume"`, Step{Verb: VerbUpload, Value: "files/cv.pdf", Target: Locator{Label: "Resume"}}, ""},
		{`wait 500ms`, Step{Verb: VerbWait, Duration: 500 * time.Millisecond}, ""},
		{`wait 1m`, Step{Verb: VerbWait, Duration: time.Minute}, ""},
		{`wait "2s"`, Step{Verb: VerbWait, Duration: 2 * time.Second}, `wait 2s`},
		{`wait for "Saved"`, Step{Verb: VerbWaitFor, Target: Locator{Text: "Saved"}}, ""},
		{`wait for role alert within 20s`, Step{Verb: VerbWaitFor, Target: Locator{Role: "alert"}, Duration: 20 * time.Second}, ""},
		{`wait for url "/dashboard"`, Step{Verb: VerbWaitForURL, Value: "/dashboard"}, ""},
		{`wait for url /dashboard within 1.5s`, Step{Verb: VerbWaitForURL, Value: "/dashboard", Duration: 1500 * time.Millisecond}, `wait for url "/dashboard" within 1.5s`},
		{`expect text "Welcome back"`, Step{Verb: VerbExpectText, Value: "Welcome back"}, ""},
		{`expect no text "Error"`, Step{Verb: VerbExpectNoText, Value: "Error"}, ""},
		{`expect no text "{{secret.password}}"`, Step{Verb: VerbExpectNoText, Value: "{{secret.password}}"}, ""},
		{`expect url "/dashboard"`, Step{Verb: VerbExpectURL, Value: "/dashboard"}, ""},
		{`expect url q=lamp`, Step{Verb: VerbExpectURL, Value: "q=lamp"}, `expect url "q=lamp"`},
		{`expect title "Dashboard"`, Step{Verb: VerbExpectTitle, Value: "Dashboard"}, ""},
		{`expect visible "Log out"`, Step{Verb: VerbExpectVisible, Target: Locator{Text: "Log out"}}, ""},
		{`expect hidden css=.spinner`, Step{Verb: VerbExpectHidden, Target: Locator{CSS: ".spinner"}}, ""},
		{`expect no console errors`, Step{Verb: VerbExpectNoConsoleErrors}, ""},
		{`expect no failed requests`, Step{Verb: VerbExpectNoFailedRequests}, ""},
		{`expect  no failed requests from the app`, Step{Verb: VerbExpectNoFailedAppRequests}, `expect no failed requests from the app`},
		{`type totp "{{secret.shop_totp}}" into "Code"`, Step{Verb: VerbTypeTOTP, Value: "{{secret.shop_totp}}", Target: Locator{Label: "Code"}}, ""},
		{`type totp {{secret.shop_totp}} in css=#otp`, Step{Verb: VerbTypeTOTP, Value: "{{secret.shop_totp}}", Target: Locator{CSS: "#otp"}}, `type totp "{{secret.shop_totp}}" into css=#otp`},
		{"  click\t\"Sign in\"  ", Step{Verb: VerbClick, Target: Locator{Text: "Sign in"}}, `click "Sign in"`},
		{`click "Café ☕"`, Step{Verb: VerbClick, Target: Locator{Text: "Café ☕"}}, ""},
		{`click "\u00e9"`, Step{Verb: VerbClick, Target: Locator{Text: "é"}}, `click "é"`},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			got, err := ParseStep(c.src)
			if err != nil {
				t.Fatalf("ParseStep: %v", err)
			}
			if got != c.want {
				t.Fatalf("ParseStep = %#v, want %#v", got, c.want)
			}
			canonical := c.canonical
			if canonical == "" {
				canonical = c.src
			}
			if s := got.String(); s != canonical {
				t.Errorf("String() = %s, want %s", s, canonical)
			}
			again, err := ParseStep(got.String())
			if err != nil || again != got {
				t.Errorf("round trip: ParseStep(%s) = %#v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseStepErrors(t *testing.T) {
	cases := []struct {
		src    string
		offset int
		msg    string // substring of the error
	}{
		{``, 0, "empty step"},
		{`   `, 0, "empty step"},
		{`clik "Sign in"`, 0, `unknown verb "clik" (did you mean "click"?)`},
		{`Click "Sign in"`, 0, `keywords are lower case: "click"`},
		{`fill "x" into "Email"`, 0, `did you mean "type"?`},
		{`visit "/"`, 0, `did you mean "navigate"?`},
		{`frobnicate`, 0, "steps start with navigate"},
		{`"Sign in"`, 0, "a step starts with a verb"},
		{`click Sign in`, 6, `write "Sign in"`},
		{`click 'Sign in'`, 6, "straight double quotes"},
		{`click “Sign in”`, 6, "straight double quotes"},
		{`click "Sign in`, 6, "unterminated string"},
		{`click "a\qb"`, 6, "invalid escape"},
		{`click "a\xffb"`, 6, "valid UTF-8"},
		{`click "a"b`, 9, "space after the closing quote"},
		{`click ""`, 6, "text is empty"},
		{`click`, 5, "expected an element"},
		{`click "a" now`, 10, `unexpected "now"`},
		{`click lable "Email"`, 6, `did you mean "label"?`},
		{`click role buton "OK"`, 11, `unknown ARIA role "buton" (did you mean "button"?)`},
		{`click role "OK"`, 11, "expected an ARIA role"},
		{`click role button ""`, 18, "accessible name is empty"},
		{`click css=`, 6, "css= needs a selector"},
		{`click "{{secret.pw}}"`, 6, "placeholders cannot be used in a locator"},
		{`type "x" "Email"`, 9, `expected "into"`},
		{`type "x" onto "Email"`, 9, `did you mean "into"?`},
		{`type hello into "Email"`, 5, "in double quotes"},
		{`type "{{ secret.pw }}" into "Password"`, 5, "malformed secret placeholder"},
		{`type "{{secrets.pw}}" into "Password"`, 5, "malformed secret placeholder"},
		{`type totp "123456" into "Code"`, 10, "written as one placeholder"},
		{`type totp "{{secret.a}}{{secret.b}}" into "Code"`, 10, "written as one placeholder"},
		{`type totp "{{secret.a}}"`, 24, `expected "into"`},
		{`type totp "{{ secret.a }}" into "Code"`, 10, "malformed secret placeholder"},
		{`type otp "{{secret.a}}" into "Code"`, 5, `did you mean "totp"?`},
		{`type topt "{{secret.a}}" into "Code"`, 5, `did you mean "totp"?`},
		{`totp "{{secret.a}}" into "Code"`, 0, `did you mean "type totp"?`},
		{`type "{{totp.shop}}" into "Code"`, 5, `write the step type totp "{{secret.shop}}" into "Code"`},
		{`expect text "{{totp.shop}}"`, 12, `type totp "{{secret.shop}}"`},
		{`navigate "login"`, 9, "write a path starting with /"},
		{`navigate "//evil.example"`, 9, "has no scheme"},
		{`navigate "ftp://x/y"`, 9, "http:// or https://"},
		{`navigate "/a b"`, 9, "contains spaces"},
		{`navigate "/{{secret.token}}"`, 9, "placeholders are only allowed"},
		{`navigate`, 8, "expected the URL"},
		{`go forward`, 3, `expected "to" or "back"`},
		{`select "x" at "Country"`, 11, `"in" or "from"`},
		{`press`, 5, "expected a key"},
		{`press Entr`, 6, `unknown key "Entr" (did you mean "Enter"?)`},
		{`press Control+Shift+Control`, 6, "repeats Control"},
		{`press a+Control`, 6, "must come last"},
		{`press Control+`, 6, "empty part"},
		{`scroll sideways`, 7, `"down", "up" or "to"`},
		{`wait`, 4, "expected a duration"},
		{`wait 2`, 5, "not a duration"},
		{`wait 5m`, 5, "longer than the 1m cap"},
		{`wait -1s`, 5, "must be positive"},
		{`wait until "Saved"`, 5, `wait for "text"`},
		{`wait for "Saved" within 2h`, 24, "longer than the 1m cap"},
		{`wait for url "/a b"`, 13, "cannot contain spaces"},
		{`expect "Welcome"`, 7, "text, no text, url, title"},
		{`expect txt "Welcome"`, 7, `did you mean "text"?`},
		{`expect no "Error"`, 10, `text "…", console errors or failed requests`},
		{`expect no failed`, 16, `expected "requests"`},
		{`expect no failed requests from`, 30, `"from the app"`},
		{`expect no failed requests from the site`, 35, `"from the app"`},
		{`expect no failed requests now`, 26, `unexpected`},
		{`expect no console`, 17, `expected "errors"`},
		{`expect title "{{secret.x}}"`, 13, "placeholders are only allowed"},
		{`upload "cv.pdf" "Resume"`, 16, `expected "to"`},
		{"click \"a\"\nclick \"b\"", 9, "single line"},
		{"click \"a\x01\"", 8, "control character"},
		{"click \"\xff\"", 7, "not valid UTF-8"},
		{`click "` + strings.Repeat("a", MaxStepLen) + `"`, MaxStepLen, "longer than"},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			s, err := ParseStep(c.src)
			if err == nil {
				t.Fatalf("ParseStep(%q) = %v, want an error containing %q", c.src, s, c.msg)
			}
			var se *StepError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *StepError: %v", err, err)
			}
			if !strings.Contains(se.Msg, c.msg) {
				t.Errorf("error %q does not contain %q", se.Msg, c.msg)
			}
			if se.Offset != c.offset {
				t.Errorf("offset = %d, want %d (error %q)", se.Offset, c.offset, se.Msg)
			}
		})
	}
}

func TestStepValidate(t *testing.T) {
	bad := []struct {
		step Step
		msg  string
	}{
		{Step{}, "invalid verb"},
		{Step{Verb: numVerbs}, "invalid verb"},
		{Step{Verb: VerbClick}, "locator is empty"},
		{Step{Verb: VerbClick, Target: Locator{Text: "a", CSS: "b"}}, "more than one"},
		{Step{Verb: VerbClick, Target: Locator{Text: "a", Name: "b"}}, "only used together with Role"},
		{Step{Verb: VerbClick, Target: Locator{Role: "buttton"}}, "unknown ARIA role"},
		{Step{Verb: VerbClick, Target: Locator{Text: "a"}, Value: "x"}, "takes no value"},
		{Step{Verb: VerbReload, Target: Locator{Text: "a"}}, "takes no element"},
		{Step{Verb: VerbReload, Key: "Enter"}, "takes no key"},
		{Step{Verb: VerbReload, Duration: time.Second}, "takes no duration"},
		{Step{Verb: VerbPress, Key: "enter"}, "not in canonical form"},
		{Step{Verb: VerbPress}, "no key given"},
		{Step{Verb: VerbWait}, "must be positive"},
		{Step{Verb: VerbWait, Duration: 2 * MaxWait}, "cap"},
		{Step{Verb: VerbNavigate}, "value is empty"},
		{Step{Verb: VerbNavigate, Value: "x"}, "path starting with /"},
		{Step{Verb: VerbExpectText, Value: "\xff"}, "UTF-8"},
		{Step{Verb: VerbType, Value: "{{secret.}}", Target: Locator{Label: "a"}}, "malformed secret"},
	}
	for _, c := range bad {
		err := c.step.Validate()
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Validate(%#v) = %v, want error containing %q", c.step, err, c.msg)
		}
		if s := c.step.String(); !strings.HasPrefix(s, "<invalid step") {
			t.Errorf("String() of invalid step = %q", s)
		} else if _, err := ParseStep(s); err == nil {
			t.Errorf("String() of an invalid step parses: %q", s)
		}
	}
}

// TestStepStringQuoting checks values that need escaping or that look
// like syntax survive a round trip.
func TestStepStringQuoting(t *testing.T) {
	steps := []Step{
		{Verb: VerbClick, Target: Locator{Text: `say "hi" \ bye`}},
		{Verb: VerbClick, Target: Locator{Text: "into"}},
		{Verb: VerbClick, Target: Locator{Text: "css=#x"}},
		{Verb: VerbClick, Target: Locator{CSS: `"quoted"`}},
		{Verb: VerbClick, Target: Locator{CSS: `a\b`}},
		{Verb: VerbClick, Target: Locator{CSS: "a\u00a0b"}},
		{Verb: VerbType, Value: "tab\there", Target: Locator{Label: "within"}},
		{Verb: VerbExpectText, Value: "ünïcödé \u2028 line separator"},
		{Verb: VerbPress, Key: "Shift+\""},
		{Verb: VerbPress, Key: "é"},
		{Verb: VerbWait, Duration: time.Minute},
		{Verb: VerbWaitFor, Target: Locator{Label: "Status"}, Duration: 90 * time.Millisecond},
	}
	for _, s := range steps {
		if err := s.Validate(); err != nil {
			t.Fatalf("Validate(%#v): %v", s, err)
		}
		got, err := ParseStep(s.String())
		if err != nil {
			t.Errorf("ParseStep(%s): %v", s.String(), err)
			continue
		}
		if got != s {
			t.Errorf("round trip of %s: got %#v, want %#v", s.String(), got, s)
		}
	}
}

func TestStepJSON(t *testing.T) {
	in := []Step{
		{Verb: VerbType, Value: "{{secret.pw}}", Target: Locator{Label: "Password"}},
		{Verb: VerbClick, Target: Locator{Role: "button", Name: "Log in"}},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `["type \"{{secret.pw}}\" into \"Password\"","click role button \"Log in\""]`
	if string(b) != want {
		t.Fatalf("JSON = %s, want %s", b, want)
	}
	var out []Step
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0] != in[0] || out[1] != in[1] {
		t.Fatalf("decoded %#v", out)
	}
	if err := json.Unmarshal([]byte(`["clik \"x\""]`), &out); err == nil {
		t.Fatal("decoding an invalid step succeeded")
	}
	if _, err := json.Marshal(Step{}); err == nil {
		t.Fatal("encoding an invalid step succeeded")
	}
}

func TestStepSecrets(t *testing.T) {
	s, err := ParseStep(`type "{{secret.user}}:{{secret.pw}}:{{secret.user}}" into "Token"`)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Secrets(), ",")
	if got != "user,pw" {
		t.Fatalf("Secrets() = %s", got)
	}
	totp, err := ParseStep(`type totp "{{secret.shop_totp}}" into "Code"`)
	if err != nil || strings.Join(totp.Secrets(), ",") != "shop_totp" {
		t.Fatalf("type totp Secrets() = %v, %v", totp.Secrets(), err)
	}
}

func TestVerb(t *testing.T) {
	for v := VerbNavigate; v < numVerbs; v++ {
		if verbNames[v] == "" {
			t.Errorf("verb %d has no name", v)
		}
	}
	if got := Verb(99).String(); got != "Verb(99)" {
		t.Errorf("Verb(99).String() = %q", got)
	}
	if !VerbExpectNoConsoleErrors.IsExpectation() || !VerbExpectNoFailedAppRequests.IsExpectation() || VerbTypeTOTP.IsExpectation() || !VerbExpectText.IsExpectation() || VerbClick.IsExpectation() || VerbWaitForURL.IsExpectation() || VerbTypeTOTP.IsExpectation() {
		t.Error("IsExpectation is wrong")
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute:                     "1m",
		time.Hour:                       "1h",
		90 * time.Minute:                "1h30m",
		90 * time.Second:                "1m30s",
		1500 * time.Millisecond:         "1.5s",
		time.Hour + time.Second:         "1h0m1s",
		10 * time.Minute:                "10m",
		250 * time.Millisecond:          "250ms",
		2*time.Hour + 30*time.Second:    "2h0m30s",
		time.Hour + 10*time.Millisecond: "1h0m0.01s",
	} {
		got := FormatDuration(d)
		if got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("ParseDuration(%q) = %v, %v", got, back, err)
		}
	}
}

func TestStepLengthLimitCountsTheWrittenForm(t *testing.T) {
	ok := Step{Verb: VerbExpectText, Value: strings.Repeat("a", MaxStepLen-len(`expect text ""`))}
	if err := ok.Validate(); err != nil {
		t.Fatalf("step at the limit: %v", err)
	}
	if again, err := ParseStep(ok.String()); err != nil || again != ok {
		t.Fatalf("step at the limit does not round-trip: %v", err)
	}
	long := Step{Verb: VerbExpectText, Value: strings.Repeat("\x01", 600)} // 600 bytes, 2,400 written
	if err := long.Validate(); err == nil || !strings.Contains(err.Error(), "when written out") {
		t.Fatalf("Validate = %v", err)
	}
}

func TestEmailSteps(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Step
		out  string
	}{
		{`expect email to "{{email.address}}" with subject "Confirm"`, Step{Verb: VerbExpectEmail, To: EmailAddress, Value: "Confirm"}, ""},
		{`expect email to {{email.address}} within 45s`, Step{Verb: VerbExpectEmail, To: EmailAddress, Duration: 45 * time.Second}, `expect email to "{{email.address}}" within 45s`},
		{`expect email to "ops@example.com"`, Step{Verb: VerbExpectEmail, To: "ops@example.com"}, ""},
		{`open link "Confirm" from email`, Step{Verb: VerbOpenEmailLink, Value: "Confirm"}, ""},
		{`type code from email into "Code"`, Step{Verb: VerbTypeEmailCode, Target: Locator{Label: "Code"}}, ""},
		{`type code from mail in css=#otp`, Step{Verb: VerbTypeEmailCode, Target: Locator{CSS: "#otp"}}, `type code from email into css=#otp`},
	} {
		got, err := ParseStep(c.src)
		if err != nil || got != c.want {
			t.Errorf("ParseStep(%q) = %+v, %v; want %+v", c.src, got, err, c.want)
			continue
		}
		out := c.out
		if out == "" {
			out = c.src
		}
		if got.String() != out {
			t.Errorf("String() = %q, want %q", got.String(), out)
		}
		if !got.Verb.UsesEmail() {
			t.Errorf("%s does not use email", got.Verb)
		}
	}
	for _, c := range []struct{ src, msg string }{
		{`expect email to "{{ email.address }}"`, "written {{email.address}}"},
		{`expect email to "{{email.adress}}"`, "written {{email.address}}"},
		{`expect email to "nobody"`, "is not a mail address"},
		{`expect email "{{email.address}}"`, `expected "to"`},
		{`expect email to "{{email.address}}" with "x"`, `expected "subject"`},
		{`open link "Confirm"`, `expected "from email"`},
		{`open "/login"`, "write navigate"},
		{`type code into "Code"`, `expected "from email"`},
		{`type "{{e-mail.address}}" into "Email"`, "malformed email placeholder"},
	} {
		_, err := ParseStep(c.src)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseStep(%q) = %v; want an error with %q", c.src, err, c.msg)
		}
	}
	if !VerbExpectEmail.IsExpectation() || VerbOpenEmailLink.IsExpectation() {
		t.Error("IsExpectation is wrong for email verbs")
	}
	tt := Test{Name: "x", Steps: []Step{{Verb: VerbType, Value: EmailAddress, Target: Locator{Label: "Email"}}}}
	if !tt.UsesEmail() || (&Test{Name: "y", Goal: "buy"}).UsesEmail() {
		t.Error("UsesEmail is wrong")
	}
}
