package browsertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image/png"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/netpolicy"
)

// Options tune RunWithOptions.
type Options struct {
	// Server places the page server, e.g. so that a browser in a
	// container can reach it.
	Server ServerOptions
	// Timeout bounds each subtest; 0 means 60 s.
	Timeout time.Duration
}

// Run runs the conformance suite against the provider newProvider returns.
// The suite closes the provider when it ends.
func Run(t *testing.T, newProvider func(t *testing.T) browser.Provider) {
	RunWithOptions(t, newProvider, Options{})
}

// RunWithOptions is Run with options.
func RunWithOptions(t *testing.T, newProvider func(t *testing.T) browser.Provider, opts Options) {
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	srv := NewServerWithOptions(t, opts.Server)
	p := newProvider(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			t.Errorf("close provider: %v", err)
		}
	})
	h := &harness{p: p, srv: srv, timeout: opts.Timeout}
	for _, c := range []struct {
		name string
		fn   func(*testing.T, *harness)
	}{
		{"Form", testForm},
		{"SPA", testSPA},
		{"StaleIndex", testStaleIndex},
		{"FramesAndShadowRoots", testFramesAndShadow},
		{"ConsoleAndNetwork", testConsoleAndNetwork},
		{"SlowPage", testSlowPage},
		{"Upload", testUpload},
		{"Dialog", testDialog},
		{"ScrollAndOffscreen", testScroll},
		{"ScreenshotAndScript", testScreenshotAndScript},
		{"NavigationRules", testNavigation},
		{"TargetPolicy", testTargetPolicy},
		{"Close", testClose},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, h) })
	}
}

type harness struct {
	p       browser.Provider
	srv     *Server
	timeout time.Duration
}

// session acquires a session for one subtest and closes it at its end.
func (h *harness) session(t *testing.T, opts browser.AcquireOptions) (context.Context, browser.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	t.Cleanup(cancel)
	if opts.AgentID == "" {
		opts.AgentID = "conformance-" + strings.ReplaceAll(t.Name(), "/", "-")
	}
	s, err := h.p.Acquire(ctx, opts)
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		if err := s.Close(cctx); err != nil {
			t.Errorf("close session: %v", err)
		}
	})
	return ctx, s
}

func navigate(ctx context.Context, t *testing.T, s browser.Session, url string) {
	t.Helper()
	if err := s.Navigate(ctx, url); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
}

func observe(ctx context.Context, t *testing.T, s browser.Session) *browser.Observation {
	t.Helper()
	o, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		t.Fatalf("observe: %v", err)
	}
	return o
}

// find returns the element with the given role and name, failing the test
// with the rendered observation if there is none.
func find(t *testing.T, o *browser.Observation, role, name string) browser.Element {
	t.Helper()
	for _, e := range o.Elements {
		if e.Role == role && e.Name == name {
			return e
		}
	}
	t.Fatalf("no %s %q in observation:\n%s", role, name, o.Render())
	return browser.Element{}
}

func absent(t *testing.T, o *browser.Observation, name string) {
	t.Helper()
	for _, e := range o.Elements {
		if e.Name == name {
			t.Errorf("element %s should not be observed", e.Label())
		}
	}
}

// until observes again and again until cond holds or ctx ends. Observing
// is the agent's own way of waiting for a page, and each round trip takes
// milliseconds, so no sleep is needed.
func until(ctx context.Context, t *testing.T, s browser.Session, what string, cond func(*browser.Observation) bool) *browser.Observation {
	t.Helper()
	var last *browser.Observation
	for ctx.Err() == nil {
		o, err := s.Observe(ctx, browser.ObserveOptions{})
		if err == nil {
			last = o
			if cond(o) {
				return o
			}
		}
	}
	if last != nil {
		t.Fatalf("timed out waiting for %s; last observation:\n%s", what, last.Render())
	}
	t.Fatalf("timed out waiting for %s", what)
	return nil
}

// eventually polls a condition on in-memory session state (BiDi events
// arrive asynchronously) until it holds or ctx ends.
func eventually(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

func textOf(t *testing.T, ctx context.Context, s browser.Session, css string) string {
	t.Helper()
	raw, err := s.ExecuteScript(ctx, "var e=document.querySelector(arguments[0]);return e?e.textContent:null", css)
	if err != nil {
		t.Fatalf("read %s: %v", css, err)
	}
	var v string
	_ = json.Unmarshal(raw, &v)
	return v
}

func testForm(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	navigate(ctx, t, s, h.srv.URL("/form"))
	o := observe(ctx, t, s)
	if o.Title != "Sign up" || o.URL != h.srv.URL("/form") {
		t.Errorf("title %q url %q", o.Title, o.URL)
	}
	pricing := find(t, o, "link", "Pricing")
	if pricing.Href != h.srv.URL("/pricing?ref=nav") {
		t.Errorf("pricing href = %q", pricing.Href)
	}
	name := find(t, o, "textbox", "Full name")
	if name.Placeholder != "Ada Lovelace" || name.Path == "" || !name.InViewport {
		t.Errorf("name field = %+v", name)
	}
	email := find(t, o, "textbox", "Email")
	if email.Type != "email" {
		t.Errorf("email type = %q", email.Type)
	}
	country := find(t, o, "combobox", "Country")
	if strings.Join(country.Options, "|") != "Choose…|Belgium|France|Netherlands" {
		t.Errorf("country options = %q", country.Options)
	}
	if free := find(t, o, "radio", "Free"); !free.Checked {
		t.Error("radio Free should be checked")
	}
	if del := find(t, o, "button", "Delete account"); !del.Disabled {
		t.Error("Delete account should be disabled")
	}
	find(t, o, "spinbutton", "Age")
	absent(t, o, "Hidden button")
	for _, e := range o.Elements {
		if e.Type == "hidden" {
			t.Errorf("hidden input observed: %+v", e)
		}
	}
	if r := o.Render(); !strings.Contains(r, `button "Create account"`) || !strings.Contains(r, `"Delete account" disabled`) {
		t.Errorf("render lacks buttons:\n%s", r)
	}

	const secret = "s3cr3t-Passw0rd!"
	steps := []struct {
		what string
		do   func() error
	}{
		{"type name by index", func() error {
			_, err := s.Type(ctx, browser.ByIndex(name.Index), "Ada Lovelace", browser.TypeOptions{})
			return err
		}},
		{"press End", func() error { return s.PressKey(ctx, "End") }},
		{"type email by label", func() error {
			_, err := s.Type(ctx, browser.ByLabel("email"), "ada@example.com", browser.TypeOptions{})
			return err
		}},
		{"type password", func() error {
			_, err := s.Type(ctx, browser.ByLabel("Password"), secret, browser.TypeOptions{})
			return err
		}},
		{"select country", func() error {
			el, err := s.Select(ctx, browser.ByLabel("Country"), "belgium")
			if err == nil && el.Value != "Belgium" {
				t.Errorf("selected %q", el.Value)
			}
			return err
		}},
		{"click radio by role", func() error { _, err := s.Click(ctx, browser.ByRole("radio", "Pro")); return err }},
		{"click checkbox by text", func() error { _, err := s.Click(ctx, browser.ByText("I accept the terms")); return err }},
		{"type bio", func() error {
			_, err := s.Type(ctx, browser.ByLabel("About you"), "Line one\nLine two", browser.TypeOptions{})
			return err
		}},
		{"replace age", func() error {
			_, err := s.Type(ctx, browser.ByLabel("Age"), "42", browser.TypeOptions{Clear: true})
			return err
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
	}
	if got := textOf(t, ctx, s, "#keys"); got != "key End" {
		t.Errorf("keydown seen by the page = %q, want %q", got, "key End")
	}
	o = observe(ctx, t, s)
	pw := find(t, o, "textbox", "Password")
	if pw.Value != "••••••••" || strings.Contains(o.Render(), secret) {
		t.Errorf("password not masked: value %q", pw.Value)
	}
	if v := find(t, o, "textbox", "Full name").Value; v != "Ada Lovelace" {
		t.Errorf("name value = %q", v)
	}
	if v := find(t, o, "spinbutton", "Age").Value; v != "42" {
		t.Errorf("age value = %q", v)
	}
	if !find(t, o, "radio", "Pro").Checked || !find(t, o, "checkbox", "I accept the terms").Checked {
		t.Error("radio Pro and the terms checkbox should be checked")
	}
	// Retyping with Clear replaces the value instead of appending.
	if _, err := s.Type(ctx, browser.ByLabel("Full name"), "Ada King", browser.TypeOptions{Clear: true}); err != nil {
		t.Fatalf("retype name: %v", err)
	}
	if _, err := s.Click(ctx, browser.ByText("Create account")); err != nil {
		t.Fatalf("submit: %v", err)
	}
	o = observe(ctx, t, s)
	if o.Title != "Welcome" || !strings.Contains(o.Text, "Welcome, Ada King") {
		t.Fatalf("after submit:\n%s", o.Render())
	}
	forms := h.srv.Forms()
	if len(forms) != 1 {
		t.Fatalf("server got %d form posts, want 1", len(forms))
	}
	f := forms[0]
	want := map[string]string{"name": "Ada King", "email": "ada@example.com", "password": secret, "country": "be", "plan": "pro", "terms": "yes", "age": "42", "csrf": "token-123"}
	for k, v := range want {
		if f.Get(k) != v {
			t.Errorf("posted %s = %q, want %q", k, f.Get(k), v)
		}
	}
	if bio := strings.ReplaceAll(f.Get("bio"), "\r\n", "\n"); bio != "Line one\nLine two" {
		t.Errorf("posted bio = %q", bio)
	}
}

func testSPA(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	navigate(ctx, t, s, h.srv.URL("/spa"))
	o := observe(ctx, t, s)
	load := find(t, o, "button", "Load items")
	card := find(t, o, "generic", "Weekly report Open the card")
	if _, err := s.Click(ctx, browser.ByIndex(load.Index)); err != nil {
		t.Fatalf("click load: %v", err)
	}
	o = until(ctx, t, s, "items to load", func(o *browser.Observation) bool { return strings.Contains(o.Text, "3 items loaded") })
	beta := find(t, o, "button", "Open beta")
	absent(t, o, "Load items")
	if _, err := s.Click(ctx, browser.ByIndex(beta.Index)); err != nil {
		t.Fatalf("click beta: %v", err)
	}
	o = observe(ctx, t, s)
	if !strings.Contains(o.Text, "Opened beta") || o.URL != h.srv.URL("/spa/beta") {
		t.Errorf("after click: url %q\n%s", o.URL, o.Text)
	}
	// Indices of elements that stayed are stable across observations.
	if again := find(t, o, "button", "Open beta"); again.Index != beta.Index {
		t.Errorf("index of Open beta changed from %d to %d", beta.Index, again.Index)
	}
	// An element made clickable only by a script listener is found through
	// its pointer cursor.
	if _, err := s.Click(ctx, browser.ByIndex(card.Index)); err != nil {
		t.Fatalf("click card: %v", err)
	}
	if got := textOf(t, ctx, s, "#status"); got != "Card opened" {
		t.Errorf("status = %q", got)
	}
	if n := countRequests(s.Network(), "/api/items"); n != 1 {
		t.Errorf("network buffer has %d requests of /api/items, want 1", n)
	}
}

func countRequests(evs []browser.NetworkEvent, suffix string) int {
	n := 0
	for _, e := range evs {
		if strings.HasSuffix(e.URL, suffix) {
			n++
		}
	}
	return n
}

func testStaleIndex(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	if _, err := s.Click(ctx, browser.ByIndex(1)); !errors.Is(err, browser.ErrStaleTarget) {
		t.Errorf("click before any observation: %v, want ErrStaleTarget", err)
	}
	formsBefore := len(h.srv.Forms())
	navigate(ctx, t, s, h.srv.URL("/spa"))
	o := observe(ctx, t, s)
	load := find(t, o, "button", "Load items")
	// The element disappears after this click.
	if _, err := s.Click(ctx, browser.ByIndex(load.Index)); err != nil {
		t.Fatalf("click load: %v", err)
	}
	until(ctx, t, s, "items", func(o *browser.Observation) bool { return strings.Contains(o.Text, "items loaded") })
	if _, err := s.Click(ctx, browser.ByIndex(load.Index)); !errors.Is(err, browser.ErrStaleTarget) {
		t.Errorf("click removed element: %v, want ErrStaleTarget", err)
	}
	// A new document invalidates every index, even if the same number now
	// names an element again.
	o = observe(ctx, t, s)
	alpha := find(t, o, "button", "Open alpha")
	navigate(ctx, t, s, h.srv.URL("/form"))
	if _, err := s.Click(ctx, browser.ByIndex(alpha.Index)); !errors.Is(err, browser.ErrStaleTarget) {
		t.Errorf("click after navigation: %v, want ErrStaleTarget", err)
	}
	o = observe(ctx, t, s)
	if _, err := s.Click(ctx, browser.ByIndex(9999)); !errors.Is(err, browser.ErrStaleTarget) {
		t.Errorf("click unknown index: %v, want ErrStaleTarget", err)
	}
	// An element whose name changed is not clicked under its old name.
	name := find(t, o, "button", "Create account")
	if _, err := s.ExecuteScript(ctx, "document.querySelector('button[type=submit]').textContent='Delete everything'"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Click(ctx, browser.ByIndex(name.Index))
	if !errors.Is(err, browser.ErrStaleTarget) || !strings.Contains(err.Error(), "Delete everything") {
		t.Errorf("click renamed element: %v, want ErrStaleTarget naming the new label", err)
	}
	if len(h.srv.Forms()) != formsBefore {
		t.Error("a stale click submitted the form")
	}
	if _, err := s.Click(ctx, browser.ByText("no such button anywhere")); !errors.Is(err, browser.ErrNotFound) {
		t.Errorf("click missing text: %v, want ErrNotFound", err)
	}
	if _, err := s.Click(ctx, browser.Target{Index: 1, Text: "x"}); !errors.Is(err, browser.ErrInvalidTarget) {
		t.Errorf("ambiguous target: %v, want ErrInvalidTarget", err)
	}
	if _, err := s.Click(ctx, browser.ByCSS("button[")); !errors.Is(err, browser.ErrInvalidTarget) {
		t.Errorf("bad CSS: %v, want ErrInvalidTarget", err)
	}
	// A disabled button is reported, not clicked.
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := s.Click(short, browser.ByText("Delete account")); !errors.Is(err, browser.ErrNotActionable) {
		t.Errorf("click disabled: %v, want ErrNotActionable", err)
	}
}

func testFramesAndShadow(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	navigate(ctx, t, s, h.srv.URL("/frames"))
	o := until(ctx, t, s, "frame content", func(o *browser.Observation) bool { return strings.Contains(o.Text, "Inside the frame") })
	field := find(t, o, "textbox", "Frame field")
	button := find(t, o, "button", "Frame button")
	if field.Frame == "" || !strings.Contains(field.Path, "#document") {
		t.Errorf("frame field frame %q path %q", field.Frame, field.Path)
	}
	sfield := find(t, o, "textbox", "Shadow input")
	sbutton := find(t, o, "button", "Shadow button")
	if !strings.Contains(sbutton.Path, "#shadow-root") {
		t.Errorf("shadow button path = %q", sbutton.Path)
	}
	absent(t, o, "Closed widget button")
	if !strings.Contains(o.Text, "Shadow text here") {
		t.Errorf("shadow text missing from:\n%s", o.Text)
	}
	if _, err := s.Type(ctx, browser.ByIndex(field.Index), "in frame", browser.TypeOptions{}); err != nil {
		t.Fatalf("type in frame: %v", err)
	}
	if _, err := s.Click(ctx, browser.ByIndex(button.Index)); err != nil {
		t.Fatalf("click in frame: %v", err)
	}
	if got := textOf(t, ctx, s, "#out"); got != "frame clicked: in frame" {
		t.Errorf("after frame click: %q", got)
	}
	if _, err := s.Type(ctx, browser.ByIndex(sfield.Index), "in shadow", browser.TypeOptions{}); err != nil {
		t.Fatalf("type in shadow root: %v", err)
	}
	if _, err := s.Click(ctx, browser.ByCSS("#sb")); err != nil {
		t.Fatalf("click shadow button by CSS: %v", err)
	}
	if got := textOf(t, ctx, s, "#out"); got != "shadow clicked: in shadow" {
		t.Errorf("after shadow click: %q", got)
	}
	if _, err := s.Click(ctx, browser.ByText("Frame button")); err != nil {
		t.Fatalf("click frame button by text: %v", err)
	}
	if got := textOf(t, ctx, s, "#out"); got != "frame clicked: in frame" {
		t.Errorf("after frame click by text: %q", got)
	}
}

func testConsoleAndNetwork(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	navigate(ctx, t, s, h.srv.URL("/console"))
	has := func(pred func(browser.ConsoleEntry) bool) bool {
		for _, e := range s.Console() {
			if pred(e) {
				return true
			}
		}
		return false
	}
	eventually(ctx, t, "console error", func() bool {
		return has(func(e browser.ConsoleEntry) bool {
			return e.Source == "console" && e.Level == "error" && e.Text == "boom: payment widget failed"
		})
	})
	eventually(ctx, t, "uncaught exception", func() bool {
		return has(func(e browser.ConsoleEntry) bool {
			return e.Source == "javascript" && e.Level == "error" && strings.Contains(e.Text, "uncaught kaboom")
		})
	})
	if !has(func(e browser.ConsoleEntry) bool { return e.Level == "info" && e.Text == "hello from the page" }) {
		t.Errorf("console.log missing: %+v", s.Console())
	}
	find := func(suffix string) (browser.NetworkEvent, bool) {
		for _, e := range s.Network() {
			if strings.HasSuffix(e.URL, suffix) {
				return e, true
			}
		}
		return browser.NetworkEvent{}, false
	}
	eventually(ctx, t, "failed requests", func() bool {
		_, a := find("/missing-resource")
		_, b := find("/refused")
		return a && b
	})
	missing, _ := find("/missing-resource")
	if missing.Status != 404 || missing.Method != "GET" || !missing.Failed() || missing.Document {
		t.Errorf("404 request = %+v", missing)
	}
	refused, _ := find("/refused")
	if refused.Status != 0 || refused.Error == "" || !refused.Failed() {
		t.Errorf("refused request = %+v", refused)
	}
	doc, ok := find("/console")
	if !ok || doc.Status != 200 || !doc.Document || doc.Size <= 0 {
		t.Errorf("document request = %+v (found %v)", doc, ok)
	}
	// The buffers are copies: changing one does not change the session's.
	c := s.Console()
	c[0].Text = "changed"
	if s.Console()[0].Text == "changed" {
		t.Error("Console returned the session's own buffer")
	}
}

func testSlowPage(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{PageLoadTimeout: 1500 * time.Millisecond})
	err := s.Navigate(ctx, h.srv.URL("/slow"))
	if !errors.Is(err, browser.ErrPageLoadTimeout) {
		t.Fatalf("navigate to a page that never loads: %v, want ErrPageLoadTimeout", err)
	}
	select {
	case <-h.srv.SlowRequested():
	default:
		t.Error("the slow page was never requested")
	}
	// The session stays usable.
	navigate(ctx, t, s, h.srv.URL("/pricing"))
	if o := observe(ctx, t, s); o.Title != "Pricing" {
		t.Errorf("after timeout, title = %q", o.Title)
	}
}

func testUpload(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	dir := t.TempDir()
	avatar := filepath.Join(dir, "avatar.png")
	doc := filepath.Join(dir, "report.txt")
	avatarData := bytes.Repeat([]byte("PNGDATA"), 1000)
	if err := os.WriteFile(avatar, avatarData, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte("quarterly report\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	navigate(ctx, t, s, h.srv.URL("/upload"))
	// The avatar input is hidden behind its label, as on most real sites.
	if _, err := s.Upload(ctx, browser.ByLabel("Choose avatar"), avatar); err != nil {
		t.Fatalf("upload avatar: %v", err)
	}
	if _, err := s.Upload(ctx, browser.ByLabel("Document"), doc); err != nil {
		t.Fatalf("upload document: %v", err)
	}
	o := observe(ctx, t, s)
	var docEl browser.Element
	for _, e := range o.Elements {
		if e.Name == "Document" {
			docEl = e
		}
	}
	if docEl.Value != "report.txt" {
		t.Errorf("file input value = %q, want report.txt", docEl.Value)
	}
	if _, err := s.Upload(ctx, browser.ByText("Send files"), doc); !errors.Is(err, browser.ErrInvalidTarget) {
		t.Errorf("upload to a button: %v, want ErrInvalidTarget", err)
	}
	if _, err := s.Upload(ctx, browser.ByLabel("Document"), filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("upload of a missing file succeeded")
	}
	if _, err := s.Click(ctx, browser.ByText("Send files")); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if o := observe(ctx, t, s); o.Title != "Uploaded" {
		t.Fatalf("after submit:\n%s", o.Render())
	}
	got := map[string]Upload{}
	for _, u := range h.srv.Uploads() {
		got[u.Field] = u
	}
	sum := sha256.Sum256(avatarData)
	if u := got["avatar"]; u.Filename != "avatar.png" || u.Size != len(avatarData) || u.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("avatar upload = %+v", u)
	}
	if u := got["doc"]; u.Filename != "report.txt" || u.Size != len("quarterly report\n") {
		t.Errorf("document upload = %+v", u)
	}
}

func testDialog(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	navigate(ctx, t, s, h.srv.URL("/dialog"))
	if _, err := s.Click(ctx, browser.ByText("Delete project")); err != nil {
		t.Fatalf("click: %v", err)
	}
	o := observe(ctx, t, s)
	if !strings.Contains(o.Text, "deleted") {
		t.Errorf("confirm() was not accepted:\n%s", o.Text)
	}
	eventually(ctx, t, "dialog in console", func() bool {
		for _, e := range s.Console() {
			if e.Source == "dialog" && strings.Contains(e.Text, "Really delete the project?") && strings.Contains(e.Text, "accepted") {
				return true
			}
		}
		return false
	})
}

func testScroll(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	navigate(ctx, t, s, h.srv.URL("/buttons?n=300"))
	o := observe(ctx, t, s)
	if len(o.Elements) != 300 {
		t.Fatalf("observed %d elements, want 300", len(o.Elements))
	}
	last := find(t, o, "button", "Button 300")
	if last.InViewport || !strings.Contains(o.Render(), `[`) {
		t.Errorf("Button 300 should start offscreen: %+v", last)
	}
	if err := s.Scroll(ctx, browser.ScrollOptions{DeltaY: 200}); err != nil {
		t.Fatalf("scroll: %v", err)
	}
	if o2 := observe(ctx, t, s); o2.Viewport.ScrollY != 200 {
		t.Errorf("scrollY after scrolling 200 = %d", o2.Viewport.ScrollY)
	}
	tgt := browser.ByIndex(last.Index)
	if err := s.Scroll(ctx, browser.ScrollOptions{Target: &tgt}); err != nil {
		t.Fatalf("scroll to element: %v", err)
	}
	o = observe(ctx, t, s)
	if !find(t, o, "button", "Button 300").InViewport {
		t.Error("Button 300 not in viewport after scrolling to it")
	}
	// Clicking an offscreen element scrolls it into view first.
	if err := s.Scroll(ctx, browser.ScrollOptions{DeltaY: -100000}); err != nil {
		t.Fatal(err)
	}
	o = observe(ctx, t, s)
	if _, err := s.Click(ctx, browser.ByIndex(find(t, o, "button", "Button 290").Index)); err != nil {
		t.Fatalf("click offscreen: %v", err)
	}
	if got := textOf(t, ctx, s, "#last"); got != "Button 290" {
		t.Errorf("last clicked = %q (trusted clicks only are counted)", got)
	}
	if err := s.Scroll(ctx, browser.ScrollOptions{}); !errors.Is(err, browser.ErrInvalidTarget) {
		t.Errorf("empty scroll: %v, want ErrInvalidTarget", err)
	}
}

func testScreenshotAndScript(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{Width: 1024, Height: 700})
	navigate(ctx, t, s, h.srv.URL("/form"))
	shot, err := s.Screenshot(ctx)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	o := observe(ctx, t, s)
	if b := img.Bounds(); b.Dx() != o.Viewport.Width || b.Dy() != o.Viewport.Height {
		t.Errorf("screenshot %dx%d, viewport %dx%d", b.Dx(), b.Dy(), o.Viewport.Width, o.Viewport.Height)
	}
	if o.Viewport.Width != 1024 {
		t.Errorf("viewport width %d, want the requested 1024", o.Viewport.Width)
	}
	raw, err := s.ExecuteScript(ctx, "return arguments[0] + 1", 41)
	if err != nil || string(raw) != "42" {
		t.Errorf("script = %s, %v", raw, err)
	}
	raw, err = s.ExecuteScript(ctx, "return new Promise(function (r) { setTimeout(function () { r(document.title) }, 10) })")
	if err != nil || string(raw) != `"Sign up"` {
		t.Errorf("async script = %s, %v", raw, err)
	}
	if _, err := s.ExecuteScript(ctx, "throw new Error('nope')"); err == nil {
		t.Error("a throwing script returned no error")
	}
	if o, err := s.Observe(ctx, browser.ObserveOptions{IncludeHTML: true}); err != nil || !strings.HasPrefix(o.HTML, "<html") || !strings.Contains(o.Render(), "HTML:\n<html") {
		t.Errorf("observe with HTML: %v", err)
	}
}

func testNavigation(t *testing.T, h *harness) {
	ctx, s := h.session(t, browser.AcquireOptions{})
	for _, bad := range []string{"file:///etc/passwd", "javascript:alert(1)", "/relative", "", "chrome://settings"} {
		if err := s.Navigate(ctx, bad); !errors.Is(err, browser.ErrInvalidTarget) {
			t.Errorf("navigate %q: %v, want ErrInvalidTarget", bad, err)
		}
	}
	navigate(ctx, t, s, h.srv.URL("/"))
	navigate(ctx, t, s, h.srv.URL("/pricing"))
	if err := s.Back(ctx); err != nil {
		t.Fatal(err)
	}
	if o := observe(ctx, t, s); o.Title != "Home" {
		t.Errorf("after back: %q", o.Title)
	}
	if err := s.Forward(ctx); err != nil {
		t.Fatal(err)
	}
	if o := observe(ctx, t, s); o.Title != "Pricing" {
		t.Errorf("after forward: %q", o.Title)
	}
	if _, err := s.ExecuteScript(ctx, "document.title='changed'"); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if o := observe(ctx, t, s); o.Title != "Pricing" {
		t.Errorf("after refresh: %q", o.Title)
	}
	// Following a link by clicking it waits for the new page.
	navigate(ctx, t, s, h.srv.URL("/"))
	if _, err := s.Click(ctx, browser.ByRole("link", "Sign up")); err != nil {
		t.Fatal(err)
	}
	if o := observe(ctx, t, s); o.Title != "Sign up" {
		t.Errorf("after following a link: %q", o.Title)
	}
	if err := s.PressKey(ctx, "Hyper+x"); !errors.Is(err, browser.ErrInvalidTarget) {
		t.Errorf("bad key: %v, want ErrInvalidTarget", err)
	}
}

func testClose(t *testing.T, h *harness) {
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	s, err := h.p.Acquire(ctx, browser.AcquireOptions{AgentID: "conformance-close"})
	if err != nil {
		t.Fatal(err)
	}
	navigate(ctx, t, s, h.srv.URL("/"))
	if err := s.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := s.Observe(ctx, browser.ObserveOptions{}); !errors.Is(err, browser.ErrSessionClosed) {
		t.Errorf("observe after close: %v, want ErrSessionClosed", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// testTargetPolicy checks that the provider's sessions enforce an
// EgressPolicy: the page server's address is allowed, 127.0.0.2 is not,
// and no name resolves (the browser's own background requests go nowhere).
func testTargetPolicy(t *testing.T, h *harness) {
	u, err := url.Parse(h.srv.Origin())
	if err != nil {
		t.Fatal(err)
	}
	ip, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		t.Fatalf("the page server's host %q is not an address", u.Hostname())
	}
	addrs := &netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.PrefixFrom(ip, ip.BitLen())}, Resolver: netpolicy.StaticResolver{}}
	egress, err := browser.NewEgressPolicy(addrs, h.srv.Origin(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := h.session(t, browser.AcquireOptions{Egress: egress})
	navigate(ctx, t, s, h.srv.URL("/"))
	if o := observe(ctx, t, s); o.Title != "Home" {
		t.Fatalf("allowed page: title %q", o.Title)
	}
	// (Port 8081: Chromium itself refuses "unsafe" ports such as 9 before
	// any proxy sees the request. Nothing listens there; the proxy refuses
	// before it would connect.)
	got, err := s.ExecuteScript(ctx, `return fetch("http://127.0.0.2:8081/api").then(r => r.status, () => "failed")`)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) == "200" {
		t.Fatalf("a fetch to a refused address answered %s", got)
	}
	err = s.Navigate(ctx, "http://127.0.0.2:8081/internal")
	if !errors.Is(err, browser.ErrBlocked) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("navigate to a refused address: %v, want ErrBlocked naming the address class", err)
	}
	blocked := 0
	for _, n := range s.Network() {
		if strings.HasPrefix(n.URL, "http://127.0.0.2:8081/") && n.Blocked != "" {
			blocked++
		}
	}
	if blocked < 2 {
		t.Errorf("want the navigation and the fetch recorded as blocked, got %d: %+v", blocked, s.Network())
	}
}
