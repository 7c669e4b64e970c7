package app

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAccessibleMarkup checks what the demo suite's locators rely on:
// every form control has a label (so label "Email" finds it), buttons have
// names (so role button "Log in" finds them), aria-describedby points at
// real elements, ids are unique, and each page has a language, a title and
// one h1.
func TestAccessibleMarkup(t *testing.T) {
	pages := map[string]func(ta *testApp) string{
		"home":           func(ta *testApp) string { return ta.get("/").body },
		"signup":         func(ta *testApp) string { return ta.get("/signup").body },
		"signup errors":  func(ta *testApp) string { return ta.post("/signup", url.Values{"email": {"x"}}).body },
		"login":          func(ta *testApp) string { return ta.get("/login").body },
		"login error":    func(ta *testApp) string { return ta.post("/login", url.Values{"email": {"x"}}).body },
		"products":       func(ta *testApp) string { return ta.get("/products?q=desk").body },
		"not found":      func(ta *testApp) string { return ta.get("/nope").body },
		"dashboard":      func(ta *testApp) string { ta.login(); return ta.get("/dashboard").body },
		"profile":        func(ta *testApp) string { ta.login(); return ta.get("/profile").body },
		"profile errors": func(ta *testApp) string { ta.login(); return ta.post("/profile", url.Values{"phone": {"x"}}).body },
		"settings":       func(ta *testApp) string { ta.login(); return ta.get("/settings").body },
	}
	for name, fetch := range pages {
		t.Run(name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(fetch(newTestApp(t))))
			if err != nil {
				t.Fatal(err)
			}
			checkAccessible(t, doc)
		})
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func checkAccessible(t *testing.T, doc *html.Node) {
	t.Helper()
	ids := map[string]int{}
	labelFor := map[string]bool{}
	var controls, buttons []*html.Node
	var describedby []string
	var h1s int
	var title, lang string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id, ok := attr(n, "id"); ok {
				ids[id]++
			}
			if d, ok := attr(n, "aria-describedby"); ok {
				describedby = append(describedby, strings.Fields(d)...)
			}
			switch n.Data {
			case "html":
				lang, _ = attr(n, "lang")
			case "title":
				title = text(n)
			case "h1":
				h1s++
			case "label":
				if f, ok := attr(n, "for"); ok && text(n) != "" {
					labelFor[f] = true
				}
			case "input":
				if typ, _ := attr(n, "type"); typ != "hidden" && typ != "submit" {
					controls = append(controls, n)
				}
			case "select", "textarea":
				controls = append(controls, n)
			case "button":
				buttons = append(buttons, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	if lang != "en" || title == "" || h1s != 1 {
		t.Errorf("lang %q, title %q, %d h1", lang, title, h1s)
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	for _, c := range controls {
		id, _ := attr(c, "id")
		if id == "" || !labelFor[id] {
			t.Errorf("<%s name=%q> has no label", c.Data, func() string { v, _ := attr(c, "name"); return v }())
		}
	}
	for _, b := range buttons {
		if text(b) == "" {
			t.Errorf("button without a name")
		}
	}
	for _, id := range describedby {
		if ids[id] == 0 {
			t.Errorf("aria-describedby points at missing id %q", id)
		}
	}
}
