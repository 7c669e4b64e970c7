package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func renderFixture(t *testing.T) *html.Node {
	t.Helper()
	var b bytes.Buffer
	if err := RenderHTML(&b, fixtureRuns(t), fixtureInfo()); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// findAll returns the elements under n that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func byID(doc *html.Node, id string) *html.Node {
	if ns := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == id }); len(ns) == 1 {
		return ns[0]
	}
	return nil
}

// The page is self-contained and cannot run anything: no script, no
// outside resource, a policy that forbids both, and the stylesheet allowed
// by its hash only.
func TestHTMLSelfContained(t *testing.T) {
	doc := renderFixture(t)
	for _, name := range []string{"script", "link", "iframe", "object", "embed", "form", "base", "svg"} {
		if ns := findAll(doc, tag(name)); len(ns) > 0 {
			t.Errorf("the report contains <%s>", name)
		}
	}
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcset" {
				t.Errorf("<%s> has attribute %s=%q", n.Data, a.Key, a.Val)
			}
			if a.Key == "href" || a.Key == "src" {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.Contains(v, ":") || strings.HasPrefix(v, "//") || strings.Contains(v, "..") {
					t.Errorf("<%s %s=%q> leaves the report", n.Data, a.Key, a.Val)
				}
			}
		}
	}
	metas := findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "Content-Security-Policy" })
	if len(metas) != 1 {
		t.Fatal("no Content-Security-Policy")
	}
	csp := attr(metas[0], "content")
	styles := findAll(doc, tag("style"))
	if len(styles) != 1 {
		t.Fatalf("want one <style>, got %d", len(styles))
	}
	sum := sha256.Sum256([]byte(styles[0].FirstChild.Data))
	for _, want := range []string{"default-src 'none'", "img-src 'self'", "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if !strings.Contains(styles[0].FirstChild.Data, "prefers-color-scheme: dark") {
		t.Error("no dark colour scheme")
	}
}

func TestHTMLEscapes(t *testing.T) {
	doc := renderFixture(t)
	// Nothing a test, a page or a model supplied became markup.
	if imgs := findAll(doc, func(n *html.Node) bool { return n.Data == "img" && attr(n, "src") == "x" }); len(imgs) > 0 {
		t.Errorf("an injected <img src=x> made it into the page")
	}
	for _, name := range []string{"b", "p"} {
		for _, n := range findAll(doc, tag(name)) {
			if strings.Contains(textOf(n), "bold") && name == "b" {
				t.Error("an injected <b> made it into the page")
			}
		}
	}
	article := byID(doc, "t-img-src-x-onerror-alert-1")
	if article == nil {
		t.Fatal("no section for the test with markup in its name")
	}
	text := textOf(article)
	for _, want := range []string{
		xssName,
		`The page shows <script>alert(3)</script> unescaped: "><img src=x onerror=alert(4)>`,
		`</p><img src=x onerror=alert(8)>`,
		`summary="</code><img src=x onerror=alert(7)>"`,
		"the page shows <b>bold</b> as text",
		"http://127.0.0.1:8080/?q=<script>alert(5)</script>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text %q is not shown literally", want)
		}
	}
	// The screenshot path "javascript:alert(6)" is not used.
	for _, n := range findAll(article, func(n *html.Node) bool { return n.Data == "a" || n.Data == "img" }) {
		if v := attr(n, "href") + attr(n, "src"); strings.Contains(strings.ToLower(v), "javascript") {
			t.Errorf("<%s> kept a javascript: URL: %q", n.Data, v)
		}
	}
	if strings.ContainsRune(text, '\x1b') {
		t.Error("an escape character reached the page")
	}
}

func TestHTMLContent(t *testing.T) {
	doc := renderFixture(t)
	if h := findAll(doc, tag("html")); len(h) != 1 || attr(h[0], "lang") != "en" {
		t.Error("the page needs lang=en")
	}
	if n := len(findAll(doc, tag("h1"))); n != 1 {
		t.Errorf("%d h1 elements", n)
	}
	if title := findAll(doc, tag("title")); len(title) != 1 || textOf(title[0]) != "Argus report" {
		t.Error("no title")
	}

	// ids are unique and every in-page link lands somewhere.
	ids := map[string]int{}
	for _, n := range findAll(doc, func(n *html.Node) bool { return hasAttr(n, "id") }) {
		ids[attr(n, "id")]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	for _, a := range findAll(doc, tag("a")) {
		if h := attr(a, "href"); strings.HasPrefix(h, "#") && ids[h[1:]] == 0 {
			t.Errorf("link to missing #%s", h[1:])
		}
	}

	// The summary counts every status.
	summary := byID(doc, "summary-h").Parent
	sumText := textOf(summary)
	for _, want := range []string{"✗ failed 2", "✗ passed unexpectedly 1", "! error 2", "✓ failed as expected 1", "✓ passed 2", "– skipped 1",
		"tests 9", "total time 2m03s", "steps 19", "model calls 6", "tokens 43,245", "2 tests ended in error"} {
		if !strings.Contains(sumText, want) {
			t.Errorf("summary lacks %q: %s", want, sumText)
		}
	}

	// One section per test, its status as a class and a badge.
	articles := findAll(doc, func(n *html.Node) bool { return n.Data == "article" })
	runs := fixtureRuns(t)
	if len(articles) != len(runs) {
		t.Fatalf("%d articles for %d tests", len(articles), len(runs))
	}
	for i, a := range articles {
		st := runs[i].Status()
		if !hasClass(a, "st-"+string(st)) {
			t.Errorf("article %d: class %q, want st-%s", i, attr(a, "class"), st)
		}
		badges := findAll(a, func(n *html.Node) bool { return hasClass(n, "badge") })
		if len(badges) == 0 || !hasClass(badges[0], "st-"+string(st)) || !strings.HasSuffix(textOf(badges[0]), st.Label()) {
			t.Errorf("article %d: badge %q", i, textOf(badges[0]))
		}
	}
	if statusIcon(StatusFailed) == statusIcon(StatusError) {
		t.Error("failed and error need different symbols")
	}

	// The failing step is marked and linked from the summary.
	checkout := byID(doc, "t-checkout")
	row := byID(doc, "t-checkout-step-2")
	if row == nil || !hasClass(row, "failing") || !strings.Contains(textOf(row), "Failing step: text \"Order placed\" is not on the page") {
		t.Fatalf("failing step row: %v", row)
	}
	if n := findAll(doc, func(n *html.Node) bool { return n.Data == "tr" && hasClass(n, "failing") }); len(n) != 3 {
		t.Errorf("%d failing rows, want 3 (Checkout, Save settings, the markup test)", len(n))
	}
	links := findAll(checkout, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#t-checkout-step-2" })
	if len(links) != 1 || textOf(links[0]) != "Go to the failing step (2)" {
		t.Error("the summary does not link to the failing step")
	}
	overview := findAll(summary, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#t-checkout-step-2" })
	if len(overview) != 1 {
		t.Error("the overview does not link to the failing step")
	}
	// Steps: index, action, outcome, timings, tokens, screenshot.
	cells := findAll(row, tag("td"))
	if len(cells) != 5 || textOf(cells[0]) != `expect text "Order placed"` || textOf(cells[2]) != "observe 12 model 0 act 102" {
		t.Errorf("failing step cells: %q", textOf(row))
	}
	imgs := findAll(cells[4], tag("img"))
	if len(imgs) != 1 || attr(imgs[0], "src") != "screenshots/checkout/002.png" || attr(imgs[0], "alt") != "Screenshot after step 2" ||
		attr(imgs[0].Parent, "href") != "screenshots/checkout/002.png" {
		t.Errorf("thumbnail: %+v", imgs)
	}
	for _, img := range findAll(doc, tag("img")) {
		if attr(img, "alt") == "" {
			t.Error("an image without alt text")
		}
	}
	for _, th := range findAll(doc, tag("th")) {
		if attr(th, "scope") == "" {
			t.Errorf("<th> without scope: %q", textOf(th))
		}
	}

	// Model steps show their thought, timings and tokens; checkpoints link
	// to the step that verified them.
	price := byID(doc, "t-find-a-price")
	pt := textOf(price)
	for _, want := range []string{"The products link should list the chair.", "observe 9 model 1,800 act 45", "10,000 in 300 out",
		"✓ verified: the price of the office chair is shown — step 2 : text \"€149\"", "30,900 tokens", "3 model calls", "mode model"} {
		if !strings.Contains(pt, want) {
			t.Errorf("Find a price lacks %q: %s", want, pt)
		}
	}
	if cp := findAll(price, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#t-find-a-price-step-2" }); len(cp) != 2 {
		t.Errorf("%d checkpoint links to the verifying step, want 2", len(cp))
	}
	if x := textOf(byID(doc, "t-img-src-x-onerror-alert-1")); !strings.Contains(x, "✗ not verified: the page shows <b>bold</b> as text — not verified") {
		t.Errorf("an unverified checkpoint must say so: %s", x)
	}

	// Expected failures say why they were expected and what was caught.
	settings := textOf(byID(doc, "t-save-settings"))
	if !strings.Contains(settings, "Expected to fail: The settings page is broken on purpose.") || !strings.Contains(settings, "Caught: step 2") {
		t.Errorf("expected failure: %s", settings)
	}
	if s := textOf(byID(doc, "t-old-bug")); !strings.Contains(s, "Passed, but it was expected to fail.") {
		t.Errorf("unexpected pass: %s", s)
	}
	if s := textOf(byID(doc, "t-search")); !strings.Contains(s, "Argus could not find out: The model could not be reached") {
		t.Errorf("error: %s", s)
	}
	if s := textOf(byID(doc, "t-sign-up")); !strings.Contains(s, "Skipped: needs a language model: set ARGUS_MODEL=") {
		t.Errorf("skipped: %s", s)
	}
	if s := textOf(byID(doc, "t-needs-a-secret")); !strings.Contains(s, "could not start: test \"Needs a secret\" uses {{secret.pw}}") {
		t.Errorf("start error: %s", s)
	}
}

func TestWriteHTML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteHTML(dir, fixtureRuns(t), fixtureInfo()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>\n")) {
		t.Errorf("index.html starts %q", data[:20])
	}
	if err := WriteHTML(dir, []TestRun{{}}, RunInfo{}); err == nil || !strings.Contains(err.Error(), "has no test") {
		t.Errorf("a TestRun without a test: %v", err)
	}
	if err := RenderHTML(failingWriter{}, fixtureRuns(t), RunInfo{}); err == nil {
		t.Error("a failing writer must fail RenderHTML")
	}
	var empty bytes.Buffer
	if err := RenderHTML(&empty, nil, RunInfo{Name: "nightly"}); err != nil || !strings.Contains(empty.String(), "<title>Argus report: nightly</title>") ||
		!strings.Contains(empty.String(), "No tests ran.") {
		t.Errorf("an empty run: %v", err)
	}
}
