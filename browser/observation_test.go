package browser

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	o := &Observation{
		URL:   "https://shop.example/cart?x=1",
		Title: "Cart",
		Elements: []Element{
			{Index: 1, Tag: "a", Role: "link", Name: "Home", Href: "https://shop.example/", InViewport: true},
			{Index: 2, Tag: "a", Role: "link", Name: "Docs", Href: "https://docs.example/start", InViewport: true},
			{Index: 3, Tag: "input", Role: "textbox", Name: "Email", Type: "email", Placeholder: "you@example.com", Value: "a@b.c", InViewport: true},
			{Index: 4, Tag: "input", Role: "textbox", Name: "Password", Type: "password", Value: "••••••••", InViewport: true},
			{Index: 5, Tag: "select", Role: "combobox", Name: "Country", Value: "Belgium", Options: []string{"Belgium", "France"}, InViewport: true},
			{Index: 6, Tag: "input", Role: "checkbox", Name: "Terms", Type: "checkbox", Checked: true, InViewport: true},
			{Index: 7, Tag: "button", Role: "button", Name: `Say "hi"`, Disabled: true},
			{Index: 8, Tag: "input", Role: "", Name: "Avatar", Type: "file", InViewport: true},
			{Index: 9, Tag: "button", Role: "button", Name: "Pay", Frame: "/html/body/iframe", InViewport: true},
		},
		Focused:  3,
		Text:     "Home\nDocs\nYour cart\nRead the Docs first\nTotal 12 €\nPay",
		Viewport: Viewport{Width: 1280, Height: 800, ScrollY: 100, PageHeight: 2000},
	}
	want := `URL: https://shop.example/cart?x=1
Title: Cart
Scroll: 100px above, 1100px below
Elements:
[1] link "Home" href=/
[2] link "Docs" href=https://docs.example/start
[3] textbox "Email" type=email value="a@b.c" placeholder="you@example.com" focused
[4] textbox "Password" type=password value="••••••••"
[5] combobox "Country" value="Belgium" options=[Belgium|France]
[6] checkbox "Terms" checked
(offscreen:)
[7] button "Say \"hi\"" disabled
(in view:)
[8] input "Avatar" type=file
[9] button "Pay" in-frame
Text:
Your cart
Read the Docs first
Total 12 €
`
	if got := o.Render(); got != want {
		t.Errorf("Render:\n%s\nwant:\n%s", got, want)
	}
	o.TextTruncated = true
	o.HTML, o.HTMLTruncated = "<html></html>", true
	r := o.Render()
	if !strings.Contains(r, "[text truncated at 8000 characters]") || !strings.HasSuffix(r, "HTML:\n<html></html>\n[HTML truncated at 15000 characters]\n") {
		t.Errorf("truncation notes missing:\n%s", r)
	}
	if e, ok := o.Element(5); !ok || e.Name != "Country" {
		t.Errorf("Element(5) = %+v, %v", e, ok)
	}
	if _, ok := o.Element(99); ok {
		t.Error("Element(99) found")
	}
	if got := (&Observation{}).Render(); !strings.Contains(got, "Elements:\n(none)\n") {
		t.Errorf("empty render:\n%s", got)
	}
}

// TestTextBesides checks that lines carried by element lines leave the
// text, in document order, and that nothing else does.
func TestTextBesides(t *testing.T) {
	els := []Element{{Name: "Home"}, {Name: "Shop"}, {Name: "Sign in"}}
	for _, c := range []struct{ text, want string }{
		{"Home\nShop\nWelcome\nSign in", "Welcome"},
		// "Sign in" as a heading before the Home link is not the button:
		// the button's line comes later and is the one cut.
		{"Sign in\nHome\nShop\nSign in to shop\nSign in", "Sign in\nSign in to shop"},
		{"  Home  \n\nPrices start at 5 €", "Prices start at 5 €"},
		{"No elements here", "No elements here"},
	} {
		if got := textBesides(c.text, els); got != c.want {
			t.Errorf("textBesides(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	if got := textBesides("Home", nil); got != "Home" {
		t.Errorf("without elements: %q", got)
	}
}

func TestElementLabel(t *testing.T) {
	for _, c := range []struct {
		e    Element
		want string
	}{
		{Element{Tag: "button", Role: "button", Name: "Go"}, `button "Go"`},
		{Element{Tag: "input", Type: "file", Name: "Avatar"}, `input[type=file] "Avatar"`},
		{Element{Tag: "div", Role: "generic"}, `div`},
	} {
		if got := c.e.Label(); got != c.want {
			t.Errorf("Label(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}

func TestTruncateChars(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
		cut  bool
	}{
		{"hello", 10, "hello", false},
		{"hello", 5, "hello", false},
		{"hello", 3, "hel", true},
		{"héllo wörld", 7, "héllo w", true},
		{"日本語テキスト", 3, "日本語", true},
		{"", 0, "", false},
	} {
		got, cut := truncateChars(c.in, c.n)
		if got != c.want || cut != c.cut {
			t.Errorf("truncateChars(%q, %d) = %q, %v; want %q, %v", c.in, c.n, got, cut, c.want, c.cut)
		}
	}
	long := strings.Repeat("é", MaxTextChars+10)
	got, cut := truncateChars(long, MaxTextChars)
	if !cut || len([]rune(got)) != MaxTextChars {
		t.Errorf("cut %v, %d characters", cut, len([]rune(got)))
	}
}
