package browser_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/argusqa/argus/browser"
)

// An agent step: observe, pick an element by index, act, observe again.
func ExampleOpenWebDriver() {
	ctx := context.Background()
	s, err := browser.OpenWebDriver(ctx, "http://127.0.0.1:9515", browser.SessionConfig{
		Name:            "agent-42",
		PageLoadTimeout: 30 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close(ctx)

	if err := s.Navigate(ctx, "http://127.0.0.1:8080/login"); err != nil {
		log.Fatal(err)
	}
	obs, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(obs.Render()) // what the model reads

	// The model answered "type into [2]", "click [3]".
	if _, err := s.Type(ctx, browser.ByIndex(2), "ada@example.com", browser.TypeOptions{Clear: true}); err != nil {
		log.Fatal(err)
	}
	el, err := s.Click(ctx, browser.ByIndex(3))
	switch {
	case errors.Is(err, browser.ErrStaleTarget):
		// The page changed since the observation: observe again and let
		// the model decide again, rather than click something else.
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("clicked", el.Label())
	}
	for _, e := range s.Console() {
		if e.Level == "error" {
			fmt.Println("console error:", e.Text)
		}
	}
}

func ExampleObservation_Render() {
	obs := &browser.Observation{
		URL:   "https://app.example/login",
		Title: "Sign in",
		Elements: []browser.Element{
			{Index: 1, Tag: "input", Role: "textbox", Name: "Email", Type: "email", InViewport: true},
			{Index: 2, Tag: "input", Role: "textbox", Name: "Password", Type: "password", Value: "••••••••", InViewport: true},
			{Index: 3, Tag: "button", Role: "button", Name: "Sign in", InViewport: true},
			{Index: 4, Tag: "a", Role: "link", Name: "Forgot password?", Href: "https://app.example/reset"},
		},
		Text: "Sign in\nWelcome back.",
	}
	fmt.Print(obs.Render())
	// Output:
	// URL: https://app.example/login
	// Title: Sign in
	// Elements:
	// [1] textbox "Email" type=email
	// [2] textbox "Password" type=password value="••••••••"
	// [3] button "Sign in"
	// (offscreen:)
	// [4] link "Forgot password?" href=/reset
	// Text:
	// Welcome back.
}

// Explicit test steps address elements the way a person describes them.
func ExampleTarget() {
	for _, t := range []browser.Target{
		browser.ByIndex(12),
		browser.ByText("Sign in"),
		browser.ByLabel("Email"),
		browser.ByRole("button", "Save"),
		browser.ByCSS("form#signup button[type=submit]"),
	} {
		fmt.Println(t)
	}
	fmt.Println(browser.Target{Index: 1, Text: "Sign in"}.Validate())
	// Output:
	// [12]
	// text "Sign in"
	// label "Email"
	// role button "Save"
	// css "form#signup button[type=submit]"
	// browser: invalid target: [1] + text "Sign in" sets more than one of index, text, label, role and CSS
}

// Providers enforce their per-node cap with Slots.
func ExampleSlots() {
	slots := browser.NewSlots(2)
	ctx := context.Background()
	r1, _ := slots.Acquire(ctx)
	r2, _ := slots.Acquire(ctx)
	fmt.Println(slots.InUse(), "of", slots.Cap())

	// A third agent waits until its context ends or a slot frees up.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err := slots.Acquire(short)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))

	r1()
	r2()
	fmt.Println(slots.InUse(), "of", slots.Cap())
	// Output:
	// 2 of 2
	// true
	// 0 of 2
}
