package suite

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseSingleTest(t *testing.T) {
	src := `# a comment
name: Log in
url: /login
goal: |
  Log in as Ada and check the dashboard greets her.
steps:
  - type "ada@example.com" into "Email"
  - type "{{secret.pw}}" into "Password"
  - click "Log in"
checkpoints:
  - the dashboard greets Ada by name
tags: [smoke, auth]
timeout: 90s
expected_failure: Login is broken on staging.
`
	tests, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 1 {
		t.Fatalf("got %d tests", len(tests))
	}
	tc := tests[0]
	want := Test{
		Name:            "Log in",
		URL:             "/login",
		Goal:            "Log in as Ada and check the dashboard greets her.",
		Checkpoints:     []string{"the dashboard greets Ada by name"},
		Tags:            []string{"smoke", "auth"},
		Timeout:         90 * time.Second,
		ExpectedFailure: "Login is broken on staging.",
		Pos:             Position{File: "t.yaml", Line: 2, Column: 1},
	}
	if tc.Name != want.Name || tc.URL != want.URL || tc.Goal != want.Goal || tc.Timeout != want.Timeout ||
		tc.ExpectedFailure != want.ExpectedFailure || tc.Pos != want.Pos ||
		strings.Join(tc.Checkpoints, "|") != strings.Join(want.Checkpoints, "|") ||
		strings.Join(tc.Tags, "|") != strings.Join(want.Tags, "|") {
		t.Fatalf("got %+v\nwant %+v", *tc, want)
	}
	wantSteps := []string{`type "ada@example.com" into "Email"`, `type "{{secret.pw}}" into "Password"`, `click "Log in"`}
	if len(tc.Steps) != len(wantSteps) {
		t.Fatalf("got %d steps", len(tc.Steps))
	}
	for i, s := range tc.Steps {
		if s.String() != wantSteps[i] {
			t.Errorf("step %d = %s, want %s", i, s, wantSteps[i])
		}
		if p := (Position{File: "t.yaml", Line: 7 + i, Column: 5}); tc.StepPos[i] != p {
			t.Errorf("step %d at %v, want %v", i, tc.StepPos[i], p)
		}
	}
	if got := strings.Join(tc.Secrets(), ","); got != "pw" {
		t.Errorf("Secrets() = %s", got)
	}
	if tc.NeedsModel() {
		t.Error("a test with steps needs no model")
	}
}

func TestParseDefaults(t *testing.T) {
	tests, err := Parse("t.yaml", []byte("name: Explore\ngoal: Look around.\n"))
	if err != nil {
		t.Fatal(err)
	}
	tc := tests[0]
	if tc.URL != DefaultURL || tc.Timeout != DefaultTimeout || !tc.NeedsModel() || tc.Steps != nil || tc.Tags != nil {
		t.Fatalf("defaults not applied: %+v", *tc)
	}
}

func TestParseShapes(t *testing.T) {
	cases := map[string]struct {
		src   string
		names []string
		lines []int
	}{
		"list": {
			src:   "tests:\n  - name: a\n    goal: x\n  - name: b\n    steps: [reload]\n",
			names: []string{"a", "b"}, lines: []int{2, 4},
		},
		"documents": {
			src:   "---\nname: a\ngoal: x\n---\nname: b\ngoal: y\n...\n",
			names: []string{"a", "b"}, lines: []int{2, 5},
		},
		"comment-only document between tests": {
			// The YAML library drops the document after a comment-only one
			// unless comments are parsed (goccy/go-yaml#870).
			src:   "name: a\ngoal: x\n---\n# nothing here\n---\nname: b\ngoal: y\n",
			names: []string{"a", "b"}, lines: []int{1, 6},
		},
		"documents and lists mixed": {
			src:   "name: a\ngoal: x\n---\ntests:\n  - name: b\n    goal: y\n  - {name: c, goal: z}\n",
			names: []string{"a", "b", "c"}, lines: []int{1, 5, 7},
		},
		"flow style": {
			src:   `{name: a, steps: ["click \"OK\""]}`,
			names: []string{"a"}, lines: []int{1},
		},
		"byte order mark and CRLF": {
			src:   "\ufeffname: a\r\nsteps:\r\n  - click \"OK\"\r\n",
			names: []string{"a"}, lines: []int{1},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			tests, err := Parse("t.yaml", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			var lines []int
			for _, tc := range tests {
				names = append(names, tc.Name)
				lines = append(lines, tc.Pos.Line)
			}
			if strings.Join(names, ",") != strings.Join(c.names, ",") {
				t.Fatalf("names = %v, want %v", names, c.names)
			}
			for i := range lines {
				if lines[i] != c.lines[i] {
					t.Errorf("test %q at line %d, want %d", names[i], lines[i], c.lines[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // each must appear in the error text, in this order
	}{
		{"unknown verb with column", "name: a\nsteps:\n  - click \"x\"\n  - clik \"y\"\n",
			[]string{`t.yaml:4:5: steps[1]: unknown verb "clik" (did you mean "click"?)`}},
		{"column inside the step", "name: a\nsteps:\n  - click role buton \"OK\"\n",
			[]string{`t.yaml:3:16: steps[0]: click: unknown ARIA role "buton" (did you mean "button"?)`}},
		{"column after non-ASCII text", "name: a\nsteps:\n  - type \"çà\" into \"E\" now\n",
			[]string{`t.yaml:3:24: steps[0]: type: unexpected "now"`}},
		{"column on a line with non-ASCII text before the step", "{name: ééé, steps: [clik]}\n",
			[]string{`t.yaml:1:21: steps[0]: unknown verb "clik"`}},
		{"column after a byte order mark", "\ufeff{steps: [click role buton], name: a}\n",
			[]string{`t.yaml:1:21: steps[0]: click: unknown ARIA role "buton"`}},
		{"column in a single-quoted step", "name: a\nsteps:\n  - 'click \"x\" \"y\"'\n",
			[]string{`t.yaml:3:16: steps[0]: click: unexpected "y"`}},
		{"step in a list of tests", "tests:\n  - name: a\n    steps:\n      - expect txt \"x\"\n",
			[]string{`t.yaml:4:16: tests[0].steps[0]: expect: expected text, no text, url, title, visible, hidden, email, no console errors or no failed requests after "expect", got "txt" (did you mean "text"?)`}},
		{"YAML comment cuts a step", "name: a\nsteps:\n  - click \"Item #3\"\n",
			[]string{`t.yaml:3:11: steps[0]: unterminated string`, `" #" starts a YAML comment`}},
		{"step that became a mapping", "name: a\nsteps:\n  - expect text \"Note: saved\"\n",
			[]string{`t.yaml:3:5: steps[0]: a step is one line of text`, `single quotes`}},
		{"multi-line step", "name: a\nsteps:\n  - |\n    click \"x\"\n",
			[]string{`t.yaml:3:5: steps[0]: a step is a single line`}},
		{"unknown key", "name: a\ngoal: b\nstesp: []\n",
			[]string{`t.yaml:3:1: unknown key "stesp" (did you mean "steps"?); a test has name, url, goal, steps, checkpoints, tags, covers, timeout, expected_failure`}},
		{"synonym key", "title: a\ngoal: b\n",
			[]string{`t.yaml:1:1: unknown key "title" (did you mean "name"?)`, `t.yaml:1:1: the test has no name`}},
		{"description key", "name: a\ngoal: b\ndescription: c\n",
			[]string{`t.yaml:3:1: unknown key "description" (write notes as YAML comments: # …)`}},
		{"no name", "goal: b\n", []string{`t.yaml:1:1: the test has no name`}},
		{"no goal or steps", "name: a\ntags: [x]\n", []string{`t.yaml:1:1: the test needs a goal`}},
		{"checkpoints without goal", "name: a\nsteps: [reload]\ncheckpoints: [x]\n",
			[]string{`t.yaml:1:1: checkpoints: checkpoints are judged by the model pursuing the goal`}},
		{"number as name", "name: 12\ngoal: b\n", []string{`t.yaml:1:7: name: must be text, got the number 12; put it in quotes ("12")`}},
		{"empty name", "name:\ngoal: b\n", []string{`name: is empty`}},
		{"blank goal", "name: a\ngoal: \"  \"\n", []string{`t.yaml:2:7: goal: is empty`}},
		{"multi-line name", "name: |\n  a\n  b\ngoal: x\n", []string{`t.yaml:1:7: name: must be a single line`}},
		{"long name", "name: " + strings.Repeat("n", MaxNameLen+1) + "\ngoal: x\n", []string{`name: is 201 characters long; at most 200`}},
		{"bad url", "name: a\nurl: login\ngoal: x\n", []string{`t.yaml:2:6: url: URL "login": write a path starting with /`}},
		{"secret in url", "name: a\nurl: /reset/{{secret.token}}\ngoal: x\n", []string{`url: secret placeholders cannot be used in a URL`}},
		{"malformed secret in goal", "name: a\ngoal: log in with {{ secret.pw }}\n", []string{`t.yaml:2:7: goal: malformed secret placeholder {{ secret.pw }}`}},
		{"steps not a list", "name: a\nsteps: click \"x\"\n", []string{`t.yaml:2:8: steps: must be a list (items starting with "- "), got text`}},
		{"empty steps", "name: a\nsteps: []\n", []string{`steps: the list is empty`}},
		{"too many steps", "name: a\nsteps:\n" + strings.Repeat("  - reload\n", MaxSteps+1), []string{`steps: has 501 items; at most 500`}},
		{"number step", "name: a\nsteps: [12]\n", []string{`steps[0]: a step is one line of text such as click "Sign in", got the number 12`}},
		{"bad tag", "name: a\ngoal: x\ntags: [ok, \"not ok\"]\n", []string{`t.yaml:3:12: tags[1]: tag "not ok": tags start with a letter or digit`}},
		{"duplicate tag", "name: a\ngoal: x\ntags: [a, a]\n", []string{`tags[1]: tag "a" is listed twice`}},
		{"tags not a list", "name: a\ngoal: x\ntags: smoke\n", []string{`tags: must be a list`}},
		{"timeout without unit", "name: a\ngoal: x\ntimeout: 30\n", []string{`t.yaml:3:10: timeout: 30 has no unit; write a duration such as 30s, 2m or 1h30m`}},
		{"timeout not a duration", "name: a\ngoal: x\ntimeout: soon\n", []string{`timeout: "soon" is not a duration`}},
		{"timeout too long", "name: a\ngoal: x\ntimeout: 2h\n", []string{`timeout: 2h is outside the allowed range 1s to 1h`}},
		{"duplicate key", "name: a\nname: b\ngoal: x\n", []string{`t.yaml:2:1: invalid YAML: mapping key "name" already defined at [1:1]`}},
		{"duplicate name", "tests:\n  - name: a\n    goal: x\n  - name: a\n    goal: y\n",
			[]string{`t.yaml:4:11: tests[1].name: duplicate test name "a" (also at t.yaml:2:5)`}},
		{"syntax error", "name: \"a\ngoal: x\n", []string{`t.yaml:1:7: invalid YAML: could not find end character of double-quoted text`}},
		{"tab indentation", "name: a\n\tgoal: x\n", []string{`t.yaml:2:1: invalid YAML`}},
		{"top-level list", "- name: a\n  goal: b\n", []string{`t.yaml:1:1: a test file holds one test`, `put it under "tests:"`}},
		{"top-level scalar", "hello\n", []string{`t.yaml:1:1: expected a test (a mapping with name, goal, steps, …) or a mapping with a "tests:" list, got text`}},
		{"tests next to test keys", "name: a\ntests:\n  - name: b\n    goal: c\n", []string{`t.yaml:1:1: "name" next to "tests"`}},
		{"tests not a list", "tests: x\n", []string{`t.yaml:1:8: tests: expected a list of tests`}},
		{"empty tests", "tests: []\n", []string{`tests: the list is empty`}},
		{"test item not a mapping", "tests:\n  - just text\n", []string{`t.yaml:2:5: tests[0]: expected a test`}},
		{"anchors", "name: &n a\ngoal: x\n", []string{`t.yaml:1:7: name: YAML anchors (&name) and aliases (*name) are not supported`}},
		{"aliases", "tests:\n  - name: a\n    steps: &s [reload]\n  - name: b\n    steps: *s\n", []string{`tests[0].steps: YAML anchors`, `tests[1].steps: YAML anchors`}},
		{"tags", "name: !!str a\ngoal: x\n", []string{`name: YAML tags (!tag, !!str, …) are not supported`}},
		{"merge keys", "name: a\ngoal: x\n<<: {url: /}\n", []string{`merge keys`}},
		{"empty document in a row", "name: a\ngoal: x\n---\n---\nname: b\ngoal: y\n", []string{`t.yaml:4:1: empty YAML document: two "---" in a row`}},
		{"empty file", "", []string{`t.yaml: no tests in this file`}},
		{"only comments", "# nothing\n", []string{`t.yaml: no tests in this file`}},
		{"invalid UTF-8", "name: a\ngoal: \xff\n", []string{`t.yaml:2:7: file is not valid UTF-8`}},
		{"control character", "name: a\ngoal: \"a\\u0001b\"\n", []string{`goal: contains the control character`}},
		{"several errors at once", "name: a\nsteps:\n  - clik \"x\"\n  - press Entr\ntimeout: 2\n",
			[]string{`t.yaml:3:5: steps[0]: unknown verb "clik"`, `t.yaml:4:11: steps[1]: press: unknown key "Entr"`, `t.yaml:5:10: timeout: 2 has no unit`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tests, err := Parse("t.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("no error; got %d tests", len(tests))
			}
			if tests != nil {
				t.Errorf("tests returned along with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			text := err.Error()
			rest := text
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error does not contain %q (in order):\n%s", w, text)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestParseTooManyErrors(t *testing.T) {
	src := "name: a\nsteps:\n" + strings.Repeat("  - clik\n", 200)
	_, err := Parse("t.yaml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %T", err)
	}
	if len(list) != MaxErrors+1 || !strings.Contains(list[MaxErrors].Msg, "too many errors") {
		t.Fatalf("got %d errors, last %v", len(list), list[len(list)-1])
	}
}

func TestParseFileTooLarge(t *testing.T) {
	src := "name: a\ngoal: b\n# " + strings.Repeat("x", MaxFileSize)
	_, err := Parse("t.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "test files are at most") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorFormatting(t *testing.T) {
	e := &Error{Pos: Position{File: "a.yaml", Line: 3, Column: 7}, Path: "steps[1]", Msg: "bad"}
	if e.Error() != "a.yaml:3:7: steps[1]: bad" {
		t.Errorf("got %q", e.Error())
	}
	e = &Error{Pos: Position{Line: 3}, Msg: "bad"}
	if e.Error() != "<input>:3: bad" {
		t.Errorf("got %q", e.Error())
	}
	list := ErrorList{e, {Pos: Position{File: "b"}, Msg: "x"}}
	if list.Error() != "<input>:3: bad\nb: x" {
		t.Errorf("got %q", list.Error())
	}
	var target *Error
	if !errors.As(error(list), &target) || target != e {
		t.Error("errors.As does not find the first *Error")
	}
}

// priority: is a whole number from 1 to 5; anything else is an error on
// its line, and a test without one has none (the server's default).
func TestParsePriority(t *testing.T) {
	tests, err := Parse("t.yaml", []byte("name: Checkout\ngoal: Pay.\npriority: 5\n---\nname: About\ngoal: Read.\n"))
	if err != nil || len(tests) != 2 || tests[0].Priority != 5 || tests[1].Priority != 0 {
		t.Fatalf("%v %+v", err, tests)
	}
	for _, bad := range []string{"0", "6", "high", "2.5", "-1"} {
		_, err := Parse("t.yaml", []byte("name: X\ngoal: Y.\npriority: "+bad+"\n"))
		if err == nil || !strings.Contains(err.Error(), "t.yaml:3") || !strings.Contains(err.Error(), "1 (lowest) to 5 (highest)") {
			t.Errorf("priority %s: %v", bad, err)
		}
	}
}
