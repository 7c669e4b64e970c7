package suite_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/argusqa/argus/suite"
)

func ExampleParseStep() {
	s, err := suite.ParseStep(`type "{{secret.password}}" into "Password"`)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Verb, "|", s.Value, "|", s.Target.Label, "|", s.Secrets())

	_, err = suite.ParseStep(`clik "Sign in"`)
	fmt.Println(err)
	// Output:
	// type | {{secret.password}} | Password | [password]
	// unknown verb "clik" (did you mean "click"?)
}

// A Step built in code, for example from an agent's action that is saved
// for replay, is written back in the step language by String.
func ExampleStep_String() {
	steps := []suite.Step{
		{Verb: suite.VerbClick, Target: suite.Locator{Role: "button", Name: "Sign in"}},
		{Verb: suite.VerbPress, Key: "Enter", Target: suite.Locator{Label: "Search"}},
		{Verb: suite.VerbWaitFor, Target: suite.Locator{Text: "Saved"}, Duration: 20 * time.Second},
		{Verb: suite.VerbClick, Target: suite.Locator{CSS: "form > button"}},
	}
	for _, s := range steps {
		fmt.Println(s)
	}
	// Output:
	// click role button "Sign in"
	// press Enter in "Search"
	// wait for "Saved" within 20s
	// click css="form > button"
}

func ExampleParse() {
	src := []byte(`tests:
  - name: Search finds lamps
    url: /products
    steps:
      - type "lamp" into "Search products"
      - expect text "Desk lamp"
  - name: Sign up
    goal: Create an account and check the dashboard greets you by name.
`)
	tests, err := suite.Parse("search.yaml", src)
	if err != nil {
		panic(err)
	}
	for _, t := range tests {
		fmt.Printf("%s (%s) %q needs model: %v, %d steps, timeout %s\n",
			t.Pos, t.URL, t.Name, t.NeedsModel(), len(t.Steps), suite.FormatDuration(t.Timeout))
	}
	// Output:
	// search.yaml:2:5 (/products) "Search finds lamps" needs model: false, 2 steps, timeout 10m
	// search.yaml:7:5 (/) "Sign up" needs model: true, 0 steps, timeout 10m
}

// Parse reports every problem with its position, which is what an editor
// shows next to the line.
func ExampleErrorList() {
	src := []byte(`name: Log in
steps:
  - navigate "/login"
  - clik "Log in"
  - expect txt "Welcome"
timeout: 30
`)
	_, err := suite.Parse("login.yaml", src)
	var list suite.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Printf("line %d col %d: %s\n", e.Pos.Line, e.Pos.Column, e.Msg)
		}
	}
	// Output:
	// line 4 col 5: unknown verb "clik" (did you mean "click"?)
	// line 5 col 12: expect: expected text, no text, url, title, visible, hidden, email, no console errors or no failed requests after "expect", got "txt" (did you mean "text"?)
	// line 6 col 10: 30 has no unit; write a duration such as 30s, 2m or 1h30m
}

func ExampleLoad() {
	tests, err := suite.Load("testdata/examples")
	if err != nil {
		panic(err)
	}
	for _, t := range tests {
		fmt.Println(t.Pos.Line, t.Name)
	}
	// Output:
	// 4 Buy a gift card
	// 15 Coupon codes are validated
	// 26 Remove an item from the cart
	// 3 Profile photo upload
	// 13 Search suggestions
	// 3 Log in with a valid account
}

func ExampleResolveURL() {
	u, _ := suite.ResolveURL("http://127.0.0.1:8080/app", "/login?next=/dashboard")
	fmt.Println(u)
	// Output:
	// http://127.0.0.1:8080/app/login?next=/dashboard
}
