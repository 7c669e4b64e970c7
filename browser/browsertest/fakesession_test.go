package browsertest_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
)

func TestFakeSession(t *testing.T) {
	ctx := t.Context()
	s := browsertest.NewFakeSession(map[string]browsertest.FakePage{
		"http://app.test/": {Title: "Home", Text: "Welcome", Elements: []browser.Element{
			{Tag: "input", Role: "textbox", Name: "Email"},
			{Tag: "a", Role: "link", Name: "Pricing", Href: "http://app.test/pricing"},
		}},
		"http://app.test/pricing": {Title: "Pricing", Text: "Plans"},
	})
	if err := s.Navigate(ctx, "file:///etc/passwd"); !errors.Is(err, browser.ErrInvalidTarget) {
		t.Fatalf("file URL: %v", err)
	}
	if err := s.Navigate(ctx, "http://app.test/"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Type(ctx, browser.ByLabel("email"), "ann@example.test", browser.TypeOptions{}); err != nil {
		t.Fatal(err)
	}
	obs, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if obs.Elements[0].Index != 1 || obs.Elements[0].Value != "ann@example.test" {
		t.Fatalf("typed value not observed: %+v", obs.Elements[0])
	}
	if _, err := s.Click(ctx, browser.ByText("Missing")); !errors.Is(err, browser.ErrNotFound) {
		t.Fatalf("missing element: %v", err)
	}
	if _, err := s.Click(ctx, browser.ByIndex(2)); err != nil {
		t.Fatal(err)
	}
	if obs, _ = s.Observe(ctx, browser.ObserveOptions{}); obs.Title != "Pricing" {
		t.Fatalf("the link did not navigate: %+v", obs)
	}
	if err := s.Back(ctx); err != nil {
		t.Fatal(err)
	}
	if obs, _ = s.Observe(ctx, browser.ObserveOptions{}); obs.Title != "Home" || obs.Elements[0].Value != "" {
		t.Fatalf("back: %+v", obs)
	}
	if err := s.Navigate(ctx, "http://app.test/nowhere"); err != nil {
		t.Fatal(err)
	}
	if obs, _ = s.Observe(ctx, browser.ObserveOptions{}); obs.Title != "404 Not Found" {
		t.Fatalf("unknown page: %+v", obs)
	}
	if _, err := s.ExecuteScript(ctx, "return 1"); !errors.Is(err, browsertest.ErrNoScripts) {
		t.Fatalf("script: %v", err)
	}
	want := []string{"navigate file:///etc/passwd", "navigate http://app.test/", `type label "email"`, `click text "Missing"`, "click [2]", "back", "navigate http://app.test/nowhere"}
	if got := s.Calls(); !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Navigate(ctx, "http://app.test/"); !errors.Is(err, browser.ErrSessionClosed) {
		t.Fatalf("after close: %v", err)
	}
}
