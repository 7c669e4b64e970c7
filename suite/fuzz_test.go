package suite

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseStep(f *testing.F) {
	for _, s := range []string{
		`navigate "/login"`, `go to /x?y=1`, `go back`, `reload`,
		`click "Sign in"`, `click role button "Sign in"`, `click css=input[name="q"]`,
		`click css="a b"`, `click label "Email"`, `click text "a\"b"`,
		`type "{{secret.pw}}" into "Password"`, `type {{secret.pw}} in label "P"`,
		`clear "Search"`, `select "BE" from "Country"`, `check "Terms"`, `uncheck "News"`,
		`press Control+Shift+a`, `press "\""`, `press Enter in "Search"`,
		`scroll down`, `scroll to "Footer"`, `upload "a.pdf" to "CV"`,
		`wait 2s`, `wait for "Done" within 3s`, `wait for url /x within 1m`,
		`expect text "Welcome"`, `expect no text "Oops"`, `expect url "/d"`,
		`expect title "T"`, `expect visible css=.ok`, `expect hidden role dialog`,
		`expect no console errors`, `click "\u00e9\n\t"`, "click\u00a0\"x\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ParseStep(src)
		if err != nil {
			var se *StepError
			if !errors.As(err, &se) {
				t.Fatalf("error is %T, not *StepError: %v", err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("offset %d outside the step (len %d): %v", se.Offset, len(src), err)
			}
			if se.Msg == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseStep(%q) returned an invalid step %#v: %v", src, s, err)
		}
		text := s.String()
		again, err := ParseStep(text)
		if err != nil {
			t.Fatalf("ParseStep(%q) = %#v, whose String %q does not parse: %v", src, s, text, err)
		}
		if again != s {
			t.Fatalf("round trip of %q: %#v → %q → %#v", src, s, text, again)
		}
		if again.String() != text {
			t.Fatalf("String is not stable: %q then %q", text, again.String())
		}
	})
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	demo, _ := filepath.Glob("../demo/suite/*.yaml")
	for _, p := range append(seeds, demo...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("name: a\ngoal: b\n---\n---\nname: c\ngoal: d\n"))
	f.Add([]byte("tests:\n  - name: a\n    steps: [click \"x\"]\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := ParseFile("fuzz.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %T %v", err, err)
			}
			for _, e := range list {
				if e.Pos.File != "fuzz.yaml" || e.Msg == "" {
					t.Fatalf("bad error entry %#v", e)
				}
			}
			return
		}
		tests := file.Tests
		if len(tests) == 0 && len(file.Roles) == 0 && len(file.Personas) == 0 {
			t.Fatal("no error and no tests, roles or personas")
		}
		names := make(map[string]bool)
		for _, tc := range tests {
			if tc.Name == "" || names[tc.Name] {
				t.Fatalf("empty or duplicate name %q", tc.Name)
			}
			names[tc.Name] = true
			if tc.Goal == "" && len(tc.Steps) == 0 {
				t.Fatalf("test %q has neither goal nor steps", tc.Name)
			}
			if len(tc.StepPos) != len(tc.Steps) {
				t.Fatalf("%d step positions for %d steps", len(tc.StepPos), len(tc.Steps))
			}
			for _, s := range tc.Steps {
				if again, err := ParseStep(s.String()); err != nil || again != s {
					t.Fatalf("step %#v does not round-trip: %v", s, err)
				}
			}
			if CheckURL(tc.URL) != nil || tc.Timeout < MinTimeout || tc.Timeout > MaxTimeout {
				t.Fatalf("test %q has url %q timeout %v", tc.Name, tc.URL, tc.Timeout)
			}
		}
		again, err := Parse("fuzz.yaml", src)
		if err != nil || len(again) != len(tests) {
			t.Fatalf("second parse differs: %v", err)
		}
		for i := range tests {
			if h := tests[i].Hash(); len(h) != 64 || h != again[i].Hash() {
				t.Fatalf("hash %q is not stable", h)
			}
		}
	})
}
