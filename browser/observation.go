package browser

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Caps on what an observation carries. They are product promises (see the
// trust center): the model never receives more page text or HTML than this.
const (
	// MaxTextChars caps Observation.Text, in characters (Unicode code points).
	MaxTextChars = 8000
	// MaxHTMLChars caps Observation.HTML, in characters.
	MaxHTMLChars = 15000
)

// ObserveOptions tune one observation.
type ObserveOptions struct {
	// IncludeHTML adds the document's raw HTML (truncated at MaxHTMLChars).
	// It is off by default because it costs the model many tokens; the
	// agent asks for it only when the compact model is not enough.
	IncludeHTML bool
}

// Observation is the compact model of a page at one moment: what the
// language model reads instead of the HTML. It lives in memory only.
type Observation struct {
	URL   string
	Title string
	// Elements are the rendered interactive elements in document order,
	// including those in open shadow roots and same-origin iframes. An
	// element keeps its Index for as long as it stays in the document, so
	// indices stay meaningful across observations of the same page.
	Elements []Element
	// Focused is the Index of the focused element, 0 when none is listed.
	Focused int
	// Text is the page's visible text (open shadow roots and same-origin
	// frames appended after the main document), at most MaxTextChars.
	Text          string
	TextTruncated bool
	// HTML is the raw document HTML when ObserveOptions.IncludeHTML was
	// set, at most MaxHTMLChars.
	HTML          string
	HTMLTruncated bool
	Viewport      Viewport
}

// Viewport is the visible part of the page, in CSS pixels.
type Viewport struct {
	Width, Height int
	// ScrollX and ScrollY are the page's scroll offsets.
	ScrollX, ScrollY int
	// PageWidth and PageHeight are the scrollable size of the document.
	PageWidth, PageHeight int
}

// Element is one interactive element of an observation.
type Element struct {
	// Index addresses the element in Target.Index. Indices start at 1.
	Index int `json:"index"`
	// Tag is the lower-case tag name, e.g. "button".
	Tag string `json:"tag"`
	// Role is the ARIA role, explicit or implied by the tag (e.g. "link",
	// "textbox", "checkbox"); "generic" for an element that is clickable
	// only by a script handler; empty for controls without a role (a file
	// input).
	Role string `json:"role,omitempty"`
	// Name is the accessible name: aria-label(ledby), the <label>, the
	// text content, alt or title; at most 100 characters.
	Name string `json:"name,omitempty"`
	// Type is an <input>'s type attribute.
	Type string `json:"type,omitempty"`
	// Value is the current value of a field or the selected option's
	// label. Password values are masked whatever their length.
	Value       string `json:"value,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
	Href        string `json:"href,omitempty"`
	// Options lists a <select>'s option labels (at most 25, then a
	// "… N more" entry).
	Options    []string `json:"options,omitempty"`
	Disabled   bool     `json:"disabled,omitempty"`
	Checked    bool     `json:"checked,omitempty"`
	Selected   bool     `json:"selected,omitempty"`
	InViewport bool     `json:"in_viewport,omitempty"`
	// Box is the bounding box in top-level viewport coordinates at the
	// time of the observation.
	Box Rect `json:"box"`
	// Frame is the Path of the iframe holding the element, "" for the top
	// document.
	Frame string `json:"frame,omitempty"`
	// Path locates the element in the DOM, XPath-like, with "#shadow-root"
	// and "#document" steps into shadow roots and frames, e.g.
	// "/html/body/form/div[2]/input". It survives reloads of the same
	// markup, which makes it part of replay fingerprints.
	Path string `json:"path"`
}

// Rect is a box in CSS pixels.
type Rect struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// Element returns the element with the given index.
func (o *Observation) Element(index int) (Element, bool) {
	for _, e := range o.Elements {
		if e.Index == index {
			return e, true
		}
	}
	return Element{}, false
}

// Label is a short human description such as `button "Sign in"`, used in
// tool results and errors.
func (e Element) Label() string {
	kind := e.Role
	if kind == "" || kind == "generic" {
		kind = e.Tag
		if e.Type != "" {
			kind += "[type=" + e.Type + "]"
		}
	}
	if e.Name == "" {
		return kind
	}
	return kind + " " + quote(e.Name)
}

// Render returns the compact text the model sees: URL, title, one line per
// element (`[12] button "Sign in"`, runs of elements outside the viewport
// under an "(offscreen:)" line), then the visible text without the lines
// the elements already carry and, if requested, the HTML. It is a pure
// function of the observation.
func (o *Observation) Render() string {
	var b strings.Builder
	b.Grow(64*len(o.Elements) + len(o.Text) + len(o.HTML) + 256)
	fmt.Fprintf(&b, "URL: %s\nTitle: %s\n", o.URL, o.Title)
	if v := o.Viewport; v.PageHeight > v.Height && v.Height > 0 {
		below := v.PageHeight - v.Height - v.ScrollY
		if below < 0 {
			below = 0
		}
		fmt.Fprintf(&b, "Scroll: %dpx above, %dpx below\n", v.ScrollY, below)
	}
	base, _ := url.Parse(o.URL)
	b.WriteString("Elements:\n")
	if len(o.Elements) == 0 {
		b.WriteString("(none)\n")
	}
	// Elements outside the viewport come in runs (below the fold, or
	// scrolled past): one marker line per run says so, instead of a word on
	// every line of a long table.
	inView := true
	for _, e := range o.Elements {
		if e.InViewport != inView {
			inView = e.InViewport
			b.WriteString(map[bool]string{true: "(in view:)\n", false: "(offscreen:)\n"}[inView])
		}
		o.renderElement(&b, e, base)
	}
	b.WriteString("Text:\n")
	b.WriteString(textBesides(o.Text, o.Elements))
	if o.TextTruncated {
		fmt.Fprintf(&b, "\n[text truncated at %d characters]", MaxTextChars)
	}
	b.WriteByte('\n')
	if o.HTML != "" {
		b.WriteString("HTML:\n")
		b.WriteString(o.HTML)
		if o.HTMLTruncated {
			fmt.Fprintf(&b, "\n[HTML truncated at %d characters]", MaxHTMLChars)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (o *Observation) renderElement(b *strings.Builder, e Element, base *url.URL) {
	fmt.Fprintf(b, "[%d] ", e.Index)
	kind := e.Role
	if kind == "" || kind == "generic" {
		kind = e.Tag
	}
	b.WriteString(kind)
	if e.Name != "" {
		b.WriteByte(' ')
		b.WriteString(quote(e.Name))
	}
	if e.Type != "" && !impliedType(e.Role, e.Type) {
		b.WriteString(" type=")
		b.WriteString(e.Type)
	}
	if e.Value != "" {
		b.WriteString(" value=")
		b.WriteString(quote(e.Value))
	}
	if e.Placeholder != "" && e.Placeholder != e.Name {
		b.WriteString(" placeholder=")
		b.WriteString(quote(e.Placeholder))
	}
	if e.Href != "" {
		b.WriteString(" href=")
		b.WriteString(shortHref(e.Href, base))
	}
	if len(e.Options) > 0 {
		b.WriteString(" options=[")
		b.WriteString(strings.Join(e.Options, "|"))
		b.WriteByte(']')
	}
	for _, f := range [...]struct {
		on   bool
		word string
	}{
		{e.Disabled, " disabled"},
		{e.Checked, " checked"},
		{e.Selected, " selected"},
		{e.Index == o.Focused, " focused"},
		{e.Frame != "", " in-frame"},
	} {
		if f.on {
			b.WriteString(f.word)
		}
	}
	b.WriteByte('\n')
}

// lookAhead bounds how far textBesides searches the element list for a
// line's element, so a long page costs lines × lookAhead comparisons at
// most.
const lookAhead = 200

// textBesides is the page's text without the lines that are exactly an
// element's name: a navigation menu, a row of buttons, a card's link, each
// already written as an element line above. Lines are matched to elements
// in document order; an element is passed over only when no line ahead
// carries its name, so a heading that reads like a later link stays. Text
// inside a sentence is never cut.
func textBesides(text string, els []Element) string {
	if len(els) == 0 || text == "" {
		return text
	}
	ahead := map[string]int{} // trimmed lines not yet passed
	for line := range strings.Lines(text) {
		ahead[strings.TrimSpace(line)]++
	}
	var b strings.Builder
	b.Grow(len(text))
	next, prevBlank := 0, true
	for line := range strings.Lines(text) {
		t := strings.TrimSpace(line)
		cut := false
		for j := next; t != "" && j < len(els) && j < next+lookAhead; j++ {
			if els[j].Name == t {
				next, cut = j+1, true
				break
			}
			if n := els[j].Name; n != "" && ahead[n] > 0 {
				break
			}
		}
		ahead[t]--
		// A cut can leave blank lines around it: keep one at most.
		if cut || (t == "" && prevBlank) {
			continue
		}
		b.WriteString(line)
		prevBlank = t == ""
	}
	return strings.Trim(b.String(), "\n")
}

// impliedType reports input types the role already says.
func impliedType(role, typ string) bool {
	switch typ {
	case "text":
		return role == "textbox" || role == "combobox"
	case "checkbox", "radio":
		return role == typ
	case "submit", "button":
		return role == "button"
	case "search":
		return role == "searchbox"
	case "number":
		return role == "spinbutton"
	case "range":
		return role == "slider"
	}
	return false
}

// shortHref writes same-origin links as paths: the origin repeated on
// every link costs tokens and tells the model nothing.
func shortHref(href string, base *url.URL) string {
	u, err := url.Parse(href)
	if err != nil || base == nil || u.Scheme != base.Scheme || u.Host != base.Host || u.Host == "" {
		return href
	}
	s := u.EscapedPath()
	if s == "" {
		s = "/"
	}
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		s += "#" + u.EscapedFragment()
	}
	return s
}

func quote(s string) string {
	if !strings.ContainsAny(s, "\"\\\n\r") {
		return `"` + s + `"`
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", " ")
	return `"` + r.Replace(s) + `"`
}

// truncateChars cuts s to at most n characters (code points).
func truncateChars(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	i, count := 0, 0
	for i < len(s) {
		if count == n {
			return s[:i], true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s, false
}
