package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"sync"
	"time"

	"github.com/argusqa/argus/browser"
)

// ErrNoScripts is what FakeSession.ExecuteScript returns: a fake page has
// no JavaScript. A test that needs scripts is about the browser and belongs
// on real Chromium.
var ErrNoScripts = errors.New("browsertest: a fake session runs no scripts")

// FakePage is one page a FakeSession can show.
type FakePage struct {
	Title string
	// Text is the page's visible text.
	Text string
	// Elements are its interactive elements. Index is filled in from the
	// position (1, 2, …) when zero; an element with an Href navigates
	// there when clicked.
	Elements []browser.Element
	// Requests are what the page's loading asks the network for, recorded
	// (with the time of the load) each time the page is shown, e.g. a
	// POST /api/save answered 500 behind a page that says "Saved".
	Requests []browser.NetworkEvent
	// Console is what the page logs each time it is shown.
	Console []browser.ConsoleEntry
}

// FakeSession is a browser.Session over pages held in memory, for tests
// about what drives a browser (the agent loop, budgets, verdicts) rather
// than about the browser itself: it starts instantly, needs no Chromium
// and behaves the same on every machine. Navigating to a URL it has no
// page for shows a "404 Not Found" page, as a server would. It is safe for
// concurrent use.
type FakeSession struct {
	mu      sync.Mutex
	pages   map[string]FakePage
	url     string
	history []string
	values  map[int]string
	calls   []string
	network []browser.NetworkEvent
	console []browser.ConsoleEntry
	closed  bool
}

var _ browser.Session = (*FakeSession)(nil)

// NewFakeSession returns a session on about:blank that knows pages, keyed
// by absolute URL.
func NewFakeSession(pages map[string]FakePage) *FakeSession {
	own := make(map[string]FakePage, len(pages))
	for u, p := range pages {
		p.Elements = append([]browser.Element(nil), p.Elements...)
		for i := range p.Elements {
			if p.Elements[i].Index == 0 {
				p.Elements[i].Index = i + 1
			}
			if p.Elements[i].Path == "" {
				p.Elements[i].Path = fmt.Sprintf("/html/body/*[%d]", i+1)
			}
		}
		own[u] = p
	}
	return &FakeSession{pages: own, url: "about:blank", values: map[int]string{}}
}

// Calls returns the actions performed so far, one line each
// ("navigate http://…", "click [2]", "type [1]"), without typed text.
func (s *FakeSession) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// ID implements browser.Session.
func (s *FakeSession) ID() string { return "fake" }

func (s *FakeSession) begin(ctx context.Context, call string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed {
		return browser.ErrSessionClosed
	}
	s.calls = append(s.calls, call)
	return nil
}

func (s *FakeSession) page() FakePage {
	if s.url == "about:blank" {
		return FakePage{}
	}
	if p, ok := s.pages[s.url]; ok {
		return p
	}
	return FakePage{Title: "404 Not Found", Text: "Not Found"}
}

func (s *FakeSession) goTo(url string) {
	s.history = append(s.history, s.url)
	s.url = url
	s.load()
}

// load shows the current page anew: fields reset, its requests and console
// entries recorded.
func (s *FakeSession) load() {
	clear(s.values)
	p, now := s.page(), time.Now()
	for _, n := range p.Requests {
		n.Time = now
		s.network = append(s.network, n)
	}
	for _, c := range p.Console {
		c.Time = now
		s.console = append(s.console, c)
	}
}

// Navigate implements browser.Session; only http(s) URLs and about:blank
// are accepted, like the real sessions.
func (s *FakeSession) Navigate(ctx context.Context, url string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "navigate "+url); err != nil {
		return err
	}
	if url != "about:blank" && !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("%w: only http(s) URLs can be opened, not %q", browser.ErrInvalidTarget, url)
	}
	s.goTo(url)
	return nil
}

// Back implements browser.Session.
func (s *FakeSession) Back(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "back"); err != nil {
		return err
	}
	if n := len(s.history); n > 0 {
		s.url, s.history = s.history[n-1], s.history[:n-1]
		s.load()
	}
	return nil
}

// Forward implements browser.Session; a fake session keeps no forward
// history, so it stays where it is.
func (s *FakeSession) Forward(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begin(ctx, "forward")
}

// Refresh implements browser.Session; field values are reset.
func (s *FakeSession) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.begin(ctx, "refresh"); err != nil {
		return err
	}
	s.load()
	return nil
}

// Observe implements browser.Session.
func (s *FakeSession) Observe(ctx context.Context, opts browser.ObserveOptions) (*browser.Observation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.closed {
		return nil, browser.ErrSessionClosed
	}
	p := s.page()
	obs := &browser.Observation{URL: s.url, Title: p.Title, Text: p.Text,
		Viewport: browser.Viewport{Width: 1280, Height: 800, PageWidth: 1280, PageHeight: 800}}
	for _, e := range p.Elements {
		if v, ok := s.values[e.Index]; ok {
			e.Value = v
		}
		e.InViewport = true
		obs.Elements = append(obs.Elements, e)
	}
	if opts.IncludeHTML {
		obs.HTML = "<html><head><title>" + p.Title + "</title></head><body>" + p.Text + "</body></html>"
	}
	return obs, nil
}

// Screenshot implements browser.Session with a small blank PNG.
func (s *FakeSession) Screenshot(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, 8, 5))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// find resolves a target on the current page the way the real sessions
// do for the forms a fake page has: by index, text, label or role.
func (s *FakeSession) find(t browser.Target) (browser.Element, error) {
	p := s.page()
	match := func(have, want string) bool {
		return want != "" && strings.Contains(strings.ToLower(have), strings.ToLower(want))
	}
	for _, e := range p.Elements {
		switch {
		case t.Index > 0:
			if e.Index == t.Index {
				return e, nil
			}
		case t.Text != "":
			if match(e.Name, t.Text) {
				return e, nil
			}
		case t.Label != "":
			if match(e.Name, t.Label) || match(e.Placeholder, t.Label) {
				return e, nil
			}
		case t.Role != "":
			if strings.EqualFold(e.Role, t.Role) && (t.Name == "" || match(e.Name, t.Name)) {
				return e, nil
			}
		case t.CSS != "":
			return browser.Element{}, fmt.Errorf("%w: a fake session has no CSS engine", browser.ErrInvalidTarget)
		}
	}
	return browser.Element{}, browser.ErrNotFound
}

func (s *FakeSession) act(ctx context.Context, verb string, t browser.Target) (browser.Element, error) {
	if err := s.begin(ctx, fmt.Sprintf("%s %s", verb, describeTarget(t))); err != nil {
		return browser.Element{}, err
	}
	e, err := s.find(t)
	if err == nil && e.Disabled {
		err = browser.ErrNotActionable
	}
	return e, err
}

func describeTarget(t browser.Target) string {
	switch {
	case t.Index > 0:
		return fmt.Sprintf("[%d]", t.Index)
	case t.Text != "":
		return fmt.Sprintf("text %q", t.Text)
	case t.Label != "":
		return fmt.Sprintf("label %q", t.Label)
	case t.Role != "":
		return fmt.Sprintf("role %s %q", t.Role, t.Name)
	}
	return "css=" + t.CSS
}

// Click implements browser.Session: a link (an element with an Href)
// navigates.
func (s *FakeSession) Click(ctx context.Context, t browser.Target) (browser.Element, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.act(ctx, "click", t)
	if err != nil {
		return e, err
	}
	if e.Href != "" {
		s.goTo(e.Href)
	}
	return e, nil
}

// Type implements browser.Session; the text becomes the field's value.
func (s *FakeSession) Type(ctx context.Context, t browser.Target, text string, opts browser.TypeOptions) (browser.Element, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.act(ctx, "type", t)
	if err != nil {
		return e, err
	}
	if opts.Clear {
		s.values[e.Index] = text
	} else {
		s.values[e.Index] = s.valueOf(e) + text
	}
	return e, nil
}

func (s *FakeSession) valueOf(e browser.Element) string {
	if v, ok := s.values[e.Index]; ok {
		return v
	}
	return e.Value
}

// Select implements browser.Session over the element's Options.
func (s *FakeSession) Select(ctx context.Context, t browser.Target, option string) (browser.Element, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.act(ctx, "select", t)
	if err != nil {
		return e, err
	}
	for _, o := range e.Options {
		if strings.EqualFold(o, option) {
			s.values[e.Index] = o
			e.Value = o
			return e, nil
		}
	}
	return e, fmt.Errorf("%w: no option %q", browser.ErrNotFound, option)
}

// PressKey implements browser.Session; keys have no effect on a fake page.
func (s *FakeSession) PressKey(ctx context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begin(ctx, "press "+key)
}

// Scroll implements browser.Session; a fake page fits the viewport.
func (s *FakeSession) Scroll(ctx context.Context, opts browser.ScrollOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if opts.Target != nil {
		_, err := s.act(ctx, "scroll to", *opts.Target)
		return err
	}
	return s.begin(ctx, fmt.Sprintf("scroll %d,%d", opts.DeltaX, opts.DeltaY))
}

// Upload implements browser.Session; the file's base name becomes the
// field's value.
func (s *FakeSession) Upload(ctx context.Context, t browser.Target, path string) (browser.Element, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.act(ctx, "upload", t)
	if err != nil {
		return e, err
	}
	s.values[e.Index] = path[strings.LastIndexAny(path, `/\`)+1:]
	return e, nil
}

// ExecuteScript implements browser.Session; it always fails with
// ErrNoScripts.
func (s *FakeSession) ExecuteScript(ctx context.Context, script string, args ...any) (json.RawMessage, error) {
	return nil, ErrNoScripts
}

// Console implements browser.Session: the entries of the pages shown so
// far (FakePage.Console).
func (s *FakeSession) Console() []browser.ConsoleEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]browser.ConsoleEntry(nil), s.console...)
}

// Network implements browser.Session: the requests of the pages shown so
// far (FakePage.Requests).
func (s *FakeSession) Network() []browser.NetworkEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]browser.NetworkEvent(nil), s.network...)
}

// Close implements browser.Session.
func (s *FakeSession) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
