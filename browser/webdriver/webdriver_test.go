package webdriver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/webdriver"
)

// pages is a small site for the protocol tests.
func pages(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("/{$}", html(`<!doctype html><title>Start</title>
<h1 id="h">Hello</h1>
<a id="next" href="/next">Next page</a>
<input id="q" value="old">
<input id="cb" type="checkbox" checked>
<button id="b" disabled>Off</button>
<input id="file" type="file">
<div id="host"></div>
<p id="log"></p>
<script>
document.getElementById('host').attachShadow({mode:'open'}).innerHTML='<span class="in">shadow span</span>';
document.addEventListener('keydown', function(e){ document.getElementById('log').textContent += e.key + ','; });
document.addEventListener('click', function(e){ if (e.isTrusted) document.getElementById('log').textContent += 'click@' + e.clientX + ',' + e.clientY + ';'; });
</script>`))
	mux.HandleFunc("/next", html(`<!doctype html><title>Next</title><p>second</p>`))
	mux.HandleFunc("/frames", html(`<!doctype html><title>Frames</title><iframe id="f" name="child" src="/child"></iframe>`))
	mux.HandleFunc("/child", html(`<!doctype html><title>Child</title><p id="c">in the child</p>`))
	mux.HandleFunc("/events", html(`<!doctype html><title>Events</title><script>console.warn('careful'); fetch('/gone');</script>`))
	slow := make(chan struct{})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-slow:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { close(slow); srv.Close() })
	return srv
}

func chromeCaps(t *testing.T, extra webdriver.Capabilities) webdriver.Capabilities {
	caps := webdriver.Capabilities{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": browsertest.ChromiumPath(t),
			"args":   append(browser.DefaultChromeArgs(), "--window-size=1000,700"),
		},
	}
	for k, v := range extra {
		caps[k] = v
	}
	return caps
}

// newSession starts chromedriver and one session, deleted at the end.
func newSession(t *testing.T, extra webdriver.Capabilities) (context.Context, *webdriver.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	t.Cleanup(cancel)
	c, err := webdriver.NewClient(browsertest.StartChromedriver(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.NewSession(ctx, chromeCaps(t, extra))
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { _ = s.Delete(context.Background()) })
	return ctx, s
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestClassicCommands(t *testing.T) {
	srv := pages(t)
	ctx, s := newSession(t, nil)
	str := must[string](t)

	t.Run("Status", func(t *testing.T) {
		st, err := s.Client().Status(ctx)
		if err != nil || !st.Ready {
			t.Errorf("status = %+v, %v", st, err)
		}
	})
	t.Run("Navigation", func(t *testing.T) {
		if err := s.Navigate(ctx, srv.URL); err != nil {
			t.Fatal(err)
		}
		if got := str(s.Title(ctx)); got != "Start" {
			t.Errorf("title %q", got)
		}
		next := must[webdriver.Element](t)(s.FindElement(ctx, webdriver.ByLinkText, "Next page"))
		if err := next.Click(ctx); err != nil {
			t.Fatal(err)
		}
		if got := str(s.CurrentURL(ctx)); got != srv.URL+"/next" {
			t.Errorf("url after click %q", got)
		}
		// The old page's elements are gone.
		if _, err := next.Text(ctx); !errors.Is(err, webdriver.ErrStaleElementReference) {
			t.Errorf("stale element: %v, want ErrStaleElementReference", err)
		}
		if err := s.Back(ctx); err != nil {
			t.Fatal(err)
		}
		if got := str(s.Title(ctx)); got != "Start" {
			t.Errorf("title after back %q", got)
		}
		if err := s.Forward(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := str(s.Title(ctx)); got != "Next" {
			t.Errorf("title after forward+refresh %q", got)
		}
		if src := str(s.PageSource(ctx)); !strings.Contains(src, "second") {
			t.Errorf("page source %q", src)
		}
	})
	t.Run("Elements", func(t *testing.T) {
		if err := s.Navigate(ctx, srv.URL); err != nil {
			t.Fatal(err)
		}
		el := must[webdriver.Element](t)
		if _, err := s.FindElement(ctx, webdriver.ByCSS, "#missing"); !errors.Is(err, webdriver.ErrNoSuchElement) {
			t.Errorf("missing element: %v", err)
		}
		var werr *webdriver.Error
		_, err := s.FindElement(ctx, webdriver.ByCSS, "#[")
		if !errors.As(err, &werr) || werr.Code != webdriver.CodeInvalidSelector || werr.HTTPStatus != 400 {
			t.Errorf("invalid selector: %v", err)
		}
		h := el(s.FindElement(ctx, webdriver.ByXPath, "//h1"))
		if got := str(h.Text(ctx)); got != "Hello" {
			t.Errorf("text %q", got)
		}
		if got := str(h.TagName(ctx)); got != "h1" {
			t.Errorf("tag %q", got)
		}
		if v, ok, err := h.Attribute(ctx, "id"); v != "h" || !ok || err != nil {
			t.Errorf("attribute = %q %v %v", v, ok, err)
		}
		if _, ok, _ := h.Attribute(ctx, "nope"); ok {
			t.Error("absent attribute reported present")
		}
		r := must[webdriver.Rect](t)(h.Rect(ctx))
		if r.Width <= 0 || r.Height <= 0 {
			t.Errorf("rect %+v", r)
		}
		q := el(s.FindElement(ctx, webdriver.ByCSS, "#q"))
		if err := q.Clear(ctx); err != nil {
			t.Fatal(err)
		}
		if err := q.SendKeys(ctx, "new text"+webdriver.KeyEnter); err != nil {
			t.Fatal(err)
		}
		if v := must[json.RawMessage](t)(q.Property(ctx, "value")); string(v) != `"new text"` {
			t.Errorf("value %s", v)
		}
		if active := el(s.ActiveElement(ctx)); active.ID() != q.ID() {
			t.Error("typed-into field is not the active element")
		}
		cb := el(s.FindElement(ctx, webdriver.ByCSS, "#cb"))
		if sel, _ := cb.Selected(ctx); !sel {
			t.Error("checkbox not selected")
		}
		b := el(s.FindElement(ctx, webdriver.ByCSS, "#b"))
		if en, _ := b.Enabled(ctx); en {
			t.Error("disabled button enabled")
		}
		all := must[[]webdriver.Element](t)(s.FindElements(ctx, webdriver.ByTagName, "input"))
		if len(all) != 3 {
			t.Errorf("found %d inputs", len(all))
		}
		body := el(s.FindElement(ctx, webdriver.ByTagName, "body"))
		if inner := must[[]webdriver.Element](t)(body.FindElements(ctx, webdriver.ByCSS, "input[type=checkbox]")); len(inner) != 1 {
			t.Errorf("found %d checkboxes below body", len(inner))
		}
		host := el(s.FindElement(ctx, webdriver.ByCSS, "#host"))
		root := must[webdriver.ShadowRoot](t)(host.ShadowRoot(ctx))
		span := el(root.FindElement(ctx, webdriver.ByCSS, ".in"))
		if got := str(span.Text(ctx)); got != "shadow span" {
			t.Errorf("shadow text %q", got)
		}
		if _, err := h.ShadowRoot(ctx); !errors.Is(err, webdriver.ErrNoSuchShadowRoot) {
			t.Errorf("no shadow root: %v", err)
		}
	})
	t.Run("FileUpload", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "note.txt")
		if err := os.WriteFile(p, []byte("hello"), 0o600); err != nil {
			t.Fatal(err)
		}
		in := must[webdriver.Element](t)(s.FindElement(ctx, webdriver.ByCSS, "#file"))
		if err := in.SendKeys(ctx, p); err != nil {
			t.Fatal(err)
		}
		v := must[json.RawMessage](t)(s.ExecuteScript(ctx, "var f=arguments[0].files[0];return [f.name,f.size]", in))
		if string(v) != `["note.txt",5]` {
			t.Errorf("uploaded file = %s", v)
		}
	})
	t.Run("Scripts", func(t *testing.T) {
		v := must[json.RawMessage](t)(s.ExecuteScript(ctx, "return arguments[0]*arguments[1]", 6, 7))
		if string(v) != "42" {
			t.Errorf("sync = %s", v)
		}
		v = must[json.RawMessage](t)(s.ExecuteAsyncScript(ctx, "var done=arguments[arguments.length-1];setTimeout(function(){done('later')},5)"))
		if string(v) != `"later"` {
			t.Errorf("async = %s", v)
		}
		v = must[json.RawMessage](t)(s.ExecuteScript(ctx, "return document.getElementById('h')"))
		h, err := s.ElementFromJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := str(h.Text(ctx)); got != "Hello" {
			t.Errorf("element from script: %q", got)
		}
		if _, err := s.ElementFromJSON(json.RawMessage(`{"x":1}`)); err == nil {
			t.Error("non-reference decoded as element")
		}
		if _, err := s.ExecuteScript(ctx, "throw new Error('broken')"); !errors.Is(err, webdriver.ErrJavaScript) {
			t.Errorf("throw: %v, want ErrJavaScript", err)
		}
	})
	t.Run("Timeouts", func(t *testing.T) {
		old := must[webdriver.Timeouts](t)(s.Timeouts(ctx))
		if old.PageLoad != 300*time.Second || old.Script != 30*time.Second {
			t.Errorf("default timeouts %+v", old)
		}
		if err := s.SetTimeouts(ctx, webdriver.Timeouts{PageLoad: 800 * time.Millisecond, Script: 200 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExecuteAsyncScript(ctx, "/* never calls back */"); !errors.Is(err, webdriver.ErrScriptTimeout) {
			t.Errorf("async timeout: %v, want ErrScriptTimeout", err)
		}
		if err := s.Navigate(ctx, srv.URL+"/slow"); !errors.Is(err, webdriver.ErrTimeout) {
			t.Errorf("slow page: %v, want ErrTimeout", err)
		}
		if err := s.SetTimeouts(ctx, old); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTimeouts(ctx, webdriver.Timeouts{PageLoad: -time.Second}); !errors.Is(err, webdriver.ErrInvalidArgument) {
			t.Errorf("negative timeout: %v, want ErrInvalidArgument", err)
		}
	})
	t.Run("ScreenshotsAndWindows", func(t *testing.T) {
		if err := s.Navigate(ctx, srv.URL); err != nil {
			t.Fatal(err)
		}
		r := must[webdriver.Rect](t)(s.SetWindowSize(ctx, 900, 600))
		if r.Width != 900 || r.Height != 600 {
			t.Errorf("window rect %+v", r)
		}
		if got := must[webdriver.Rect](t)(s.WindowRect(ctx)); got.Width != 900 {
			t.Errorf("window rect %+v", got)
		}
		shot := must[[]byte](t)(s.Screenshot(ctx))
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil || img.Bounds().Dx() != 900 {
			t.Errorf("screenshot: %v, %v", err, img.Bounds())
		}
		h := must[webdriver.Element](t)(s.FindElement(ctx, webdriver.ByCSS, "#h"))
		if _, err := png.Decode(bytes.NewReader(must[[]byte](t)(h.Screenshot(ctx)))); err != nil {
			t.Errorf("element screenshot: %v", err)
		}
		first := str(s.WindowHandle(ctx))
		second := str(s.NewWindow(ctx, "tab"))
		if hs := must[[]string](t)(s.WindowHandles(ctx)); len(hs) != 2 {
			t.Errorf("handles %v", hs)
		}
		if err := s.SwitchToWindow(ctx, second); err != nil {
			t.Fatal(err)
		}
		if left := must[[]string](t)(s.CloseWindow(ctx)); len(left) != 1 || left[0] != first {
			t.Errorf("left %v", left)
		}
		if err := s.SwitchToWindow(ctx, "no-such-window"); !errors.Is(err, webdriver.ErrNoSuchWindow) {
			t.Errorf("bad handle: %v", err)
		}
		if err := s.SwitchToWindow(ctx, first); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Frames", func(t *testing.T) {
		if err := s.Navigate(ctx, srv.URL+"/frames"); err != nil {
			t.Fatal(err)
		}
		f := must[webdriver.Element](t)(s.FindElement(ctx, webdriver.ByCSS, "#f"))
		if err := s.SwitchToFrame(ctx, f); err != nil {
			t.Fatal(err)
		}
		c := must[webdriver.Element](t)(s.FindElement(ctx, webdriver.ByCSS, "#c"))
		if got := str(c.Text(ctx)); got != "in the child" {
			t.Errorf("frame text %q", got)
		}
		if err := s.SwitchToParentFrame(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindElement(ctx, webdriver.ByCSS, "#c"); !errors.Is(err, webdriver.ErrNoSuchElement) {
			t.Errorf("child element visible from parent: %v", err)
		}
		if err := s.SwitchToFrameIndex(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SwitchToTopFrame(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.SwitchToFrameIndex(ctx, 5); !errors.Is(err, webdriver.ErrNoSuchFrame) {
			t.Errorf("missing frame: %v", err)
		}
	})
	t.Run("Cookies", func(t *testing.T) {
		if err := s.Navigate(ctx, srv.URL); err != nil {
			t.Fatal(err)
		}
		if err := s.AddCookie(ctx, webdriver.Cookie{Name: "a", Value: "1", Path: "/"}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddCookie(ctx, webdriver.Cookie{Name: "b", Value: "2", HTTPOnly: true}); err != nil {
			t.Fatal(err)
		}
		if c := must[webdriver.Cookie](t)(s.Cookie(ctx, "b")); c.Value != "2" || !c.HTTPOnly {
			t.Errorf("cookie b %+v", c)
		}
		if cs := must[[]webdriver.Cookie](t)(s.Cookies(ctx)); len(cs) != 2 {
			t.Errorf("cookies %+v", cs)
		}
		if err := s.DeleteCookie(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cookie(ctx, "a"); !errors.Is(err, webdriver.ErrNoSuchCookie) {
			t.Errorf("deleted cookie: %v", err)
		}
		if err := s.DeleteAllCookies(ctx); err != nil {
			t.Fatal(err)
		}
		if cs := must[[]webdriver.Cookie](t)(s.Cookies(ctx)); len(cs) != 0 {
			t.Errorf("cookies after delete all %+v", cs)
		}
	})
	t.Run("Actions", func(t *testing.T) {
		if err := s.Navigate(ctx, srv.URL); err != nil {
			t.Fatal(err)
		}
		err := s.PerformActions(ctx,
			webdriver.Pointer(webdriver.PointerMove(300, 400), webdriver.PointerDown(0), webdriver.PointerUp(0)),
			webdriver.Keyboard(webdriver.Pause(0), webdriver.Pause(0), webdriver.Pause(0), webdriver.KeyDown("x"), webdriver.KeyUp("x"), webdriver.KeyDown(webdriver.KeyEscape), webdriver.KeyUp(webdriver.KeyEscape)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseActions(ctx); err != nil {
			t.Fatal(err)
		}
		log := must[webdriver.Element](t)(s.FindElement(ctx, webdriver.ByCSS, "#log"))
		if got := str(log.Text(ctx)); got != "click@300,400;x,Escape," {
			t.Errorf("page saw %q", got)
		}
	})
	t.Run("CDP", func(t *testing.T) {
		raw := must[json.RawMessage](t)(s.ExecuteCDP(ctx, "Runtime.evaluate", map[string]any{"expression": "6*7", "returnByValue": true}))
		var r struct {
			Result struct{ Value int } `json:"result"`
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.Result.Value != 42 {
			t.Errorf("cdp = %s", raw)
		}
		if _, err := s.ExecuteCDP(ctx, "No.suchMethod", nil); err == nil {
			t.Error("unknown CDP method succeeded")
		}
	})
	t.Run("ContextDeadline", func(t *testing.T) {
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := s.ExecuteScript(short, "return new Promise(function(){})")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("call returned after %s, not at its deadline", d)
		}
	})
}

func TestAlerts(t *testing.T) {
	srv := pages(t)
	// "ignore" keeps prompts open for the alert commands (no BiDi session,
	// whose prompt handling would answer them first).
	ctx, s := newSession(t, webdriver.Capabilities{"unhandledPromptBehavior": "ignore"})
	if err := s.Navigate(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AlertText(ctx); !errors.Is(err, webdriver.ErrNoSuchAlert) {
		t.Errorf("no alert: %v, want ErrNoSuchAlert", err)
	}
	open := func(js string) {
		t.Helper()
		if _, err := s.ExecuteScript(ctx, "setTimeout(function(){"+js+"},0)"); err != nil {
			t.Fatal(err)
		}
	}
	waitAlert := func() string {
		t.Helper()
		for {
			txt, err := s.AlertText(ctx)
			if err == nil {
				return txt
			}
			if !errors.Is(err, webdriver.ErrNoSuchAlert) {
				t.Fatal(err)
			}
		}
	}
	open("window.answer = prompt('Your name?')")
	if txt := waitAlert(); txt != "Your name?" {
		t.Errorf("prompt text %q", txt)
	}
	if err := s.SendAlertText(ctx, "Ada"); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptAlert(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.ExecuteScript(ctx, "return window.answer"); string(v) != `"Ada"` {
		t.Errorf("prompt answer %s", v)
	}
	open("window.ok = confirm('Sure?')")
	waitAlert()
	if err := s.DismissAlert(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.ExecuteScript(ctx, "return window.ok"); string(v) != "false" {
		t.Errorf("confirm answer %s", v)
	}
	open("alert('blocked')")
	waitAlert()
	_, err := s.Title(ctx)
	var werr *webdriver.Error
	if !errors.As(err, &werr) || werr.Code != webdriver.CodeUnexpectedAlertOpen || werr.AlertText() != "blocked" {
		t.Errorf("command under an open alert: %v (alert text %q)", err, werr.AlertText())
	}
}

func TestSessionErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	c, err := webdriver.NewClient(browsertest.StartChromedriver(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	caps := chromeCaps(t, nil)
	caps["goog:chromeOptions"] = map[string]any{"binary": "/nonexistent/chromium"}
	if _, err := c.NewSession(ctx, caps); !errors.Is(err, webdriver.ErrSessionNotCreated) && !errors.Is(err, webdriver.ErrUnknownError) {
		t.Errorf("missing binary: %v, want ErrSessionNotCreated", err)
	}
	if _, err := c.NewSession(ctx, webdriver.Capabilities{"pageLoadStrategy": "sometimes"}); !errors.Is(err, webdriver.ErrInvalidArgument) {
		t.Errorf("bad capability: %v, want ErrInvalidArgument", err)
	}
	gone := c.Attach("0123456789abcdef", nil)
	if _, err := gone.Title(ctx); !errors.Is(err, webdriver.ErrInvalidSessionID) {
		t.Errorf("unknown session: %v, want ErrInvalidSessionID", err)
	}
	if _, err := gone.ExecuteCDP(ctx, "Runtime.evaluate", nil); !errors.Is(err, webdriver.ErrInvalidSessionID) {
		t.Errorf("unknown session: %v, want ErrInvalidSessionID", err)
	}
	var werr *webdriver.Error
	_, err = gone.Title(ctx)
	if !errors.As(err, &werr) || strings.Contains(err.Error(), "0123456789abcdef") || !strings.Contains(err.Error(), "GET /session/{id}/title") {
		t.Errorf("error text %q should name the command, not the session", err)
	}
}

func TestBiDi(t *testing.T) {
	srv := pages(t)
	ctx, s := newSession(t, webdriver.Capabilities{"webSocketUrl": true})
	ws := s.Capabilities().WebSocketURL()
	if !strings.HasPrefix(ws, "ws://") {
		t.Fatalf("webSocketUrl = %q", ws)
	}
	var mu sync.Mutex
	var logs []webdriver.LogEntry
	var nets []webdriver.NetworkEvent
	got := make(chan struct{}, 64)
	b, err := webdriver.DialBiDi(ctx, ws, webdriver.BiDiOptions{OnEvent: func(e webdriver.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Method {
		case webdriver.EventLogEntryAdded:
			le, err := webdriver.ParseLogEntry(e.Params)
			if err != nil {
				t.Errorf("parse log entry: %v", err)
			}
			logs = append(logs, le)
		case webdriver.EventNetworkResponseCompleted, webdriver.EventNetworkFetchError:
			ne, err := webdriver.ParseNetworkEvent(e.Method, e.Params)
			if err != nil {
				t.Errorf("parse network event: %v", err)
			}
			nets = append(nets, ne)
		}
		got <- struct{}{}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Subscribe(ctx, webdriver.EventLogEntryAdded, webdriver.EventNetworkResponseCompleted, webdriver.EventNetworkFetchError); err != nil {
		t.Fatal(err)
	}
	var status struct {
		Ready bool `json:"ready"`
	}
	if err := b.Send(ctx, "session.status", nil, &status); err != nil {
		t.Fatal(err)
	}
	if err := b.Send(ctx, "no.such", nil, nil); !errors.Is(err, webdriver.ErrUnknownCommand) {
		t.Errorf("unknown BiDi command: %v, want ErrUnknownCommand", err)
	}
	// A cancelled command must not close the connection (coder/websocket
	// closes a connection whose write context ends).
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.Send(cancelled, "session.status", nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled send: %v, want context.Canceled", err)
	}
	if err := b.Send(ctx, "session.status", nil, &status); err != nil {
		t.Errorf("send after a cancelled send: %v", err)
	}
	if err := s.Navigate(ctx, srv.URL+"/events"); err != nil {
		t.Fatal(err)
	}
	done := func() bool {
		mu.Lock()
		defer mu.Unlock()
		var warn, gone, doc bool
		for _, l := range logs {
			warn = warn || (l.Level == "warn" && l.Text == "careful" && l.Type == "console")
		}
		for _, n := range nets {
			gone = gone || (strings.HasSuffix(n.URL, "/gone") && n.Status == 404)
			doc = doc || (strings.HasSuffix(n.URL, "/events") && n.Status == 200 && n.Navigation && n.Method == "GET")
		}
		return warn && gone && doc
	}
	for !done() {
		select {
		case <-got:
		case <-ctx.Done():
			t.Fatalf("events not seen: logs %+v nets %+v", logs, nets)
		}
	}
	if err := b.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := b.Send(ctx, "session.status", nil, nil); !errors.Is(err, webdriver.ErrBiDiClosed) {
		t.Errorf("send after close: %v, want ErrBiDiClosed", err)
	}
	select {
	case <-b.Done():
	default:
		t.Error("Done not closed after Close")
	}
}

func TestProtocolErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/status":
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>bad gateway</html>")
		default:
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"value":{"error":"unknown error","message":"unknown error: boom\n  (Session info: chrome=156)","stacktrace":"#0 0x1"}}`)
		}
	}))
	defer srv.Close()
	c, err := webdriver.NewClient(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Status(t.Context())
	var perr *webdriver.ProtocolError
	if !errors.As(err, &perr) || perr.HTTPStatus != 502 || !strings.Contains(perr.Body, "bad gateway") {
		t.Errorf("HTML answer: %v", err)
	}
	_, err = c.Attach("x", nil).Title(t.Context())
	if !errors.Is(err, webdriver.ErrUnknownError) || err.Error() != "webdriver: GET /session/{id}/title: unknown error: boom" {
		t.Errorf("error = %q", err)
	}
	for _, bad := range []string{"", "localhost:4444", "ftp://x", "http://"} {
		if _, err := webdriver.NewClient(bad, nil); err == nil {
			t.Errorf("endpoint %q accepted", bad)
		}
	}
}

func TestParseEvents(t *testing.T) {
	le, err := webdriver.ParseLogEntry(json.RawMessage(`{"type":"javascript","level":"error","text":"Error: x","timestamp":1700000000000,"source":{"context":"C1"},"stackTrace":{"callFrames":[{"url":"http://a/app.js","lineNumber":10,"columnNumber":4,"functionName":"f"}]}}`))
	if err != nil || le.Type != "javascript" || le.URL != "http://a/app.js" || le.Line != 10 || le.Context != "C1" || le.Time.UnixMilli() != 1700000000000 {
		t.Errorf("log entry %+v, %v", le, err)
	}
	if le, _ := webdriver.ParseLogEntry(json.RawMessage(`{"type":"console","level":"info","text":null}`)); le.Text != "" {
		t.Errorf("null text = %q", le.Text)
	}
	ne, err := webdriver.ParseNetworkEvent(webdriver.EventNetworkFetchError, json.RawMessage(`{"request":{"url":"http://a/x","method":"POST"},"errorText":"net::ERR_CONNECTION_REFUSED","navigation":null}`))
	if err != nil || ne.Error != "net::ERR_CONNECTION_REFUSED" || ne.Method != "POST" || ne.Status != 0 || ne.Navigation {
		t.Errorf("fetch error %+v, %v", ne, err)
	}
	ne, err = webdriver.ParseNetworkEvent(webdriver.EventNetworkResponseCompleted, json.RawMessage(`{"request":{"url":"http://a/","method":"GET"},"navigation":"n1","response":{"status":200,"bytesReceived":900,"content":{"size":700}}}`))
	if err != nil || ne.Size != 700 || !ne.Navigation {
		t.Errorf("response %+v, %v", ne, err)
	}
	if _, err := webdriver.ParseNetworkEvent(webdriver.EventNetworkResponseCompleted, json.RawMessage(`{"request":{}}`)); err == nil {
		t.Error("response event without response accepted")
	}
	if _, err := webdriver.ParseNetworkEvent("log.entryAdded", json.RawMessage(`{}`)); err == nil {
		t.Error("wrong event accepted")
	}
	if _, err := webdriver.ParseLogEntry(json.RawMessage(`[`)); err == nil {
		t.Error("bad JSON accepted")
	}
}

// TestPromptAnsweredTwice: chromedriver fails a classic command with
// "No dialog is showing" when its BiDi side answered the prompt the
// command's own prompt handler meant to answer; the command never ran and
// is sent again, once. Other invalid-argument answers are not retried.
func TestPromptAnsweredTwice(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		n := calls[r.URL.Path]
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch {
		case strings.HasSuffix(r.URL.Path, "/title") && n == 1:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"value":{"error":"invalid argument","message":"invalid argument: No dialog is showing\n  (Session info: chrome=156.0.7559.132)","stacktrace":"#0 0x1"}}`)
		case strings.HasSuffix(r.URL.Path, "/title"):
			fmt.Fprint(w, `{"value":"Dialogs"}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"value":{"error":"invalid argument","message":"invalid argument: 'url' must be a string"}}`)
		}
	}))
	defer srv.Close()
	c, err := webdriver.NewClient(srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Attach("x", nil)
	if title, err := s.Title(t.Context()); err != nil || title != "Dialogs" {
		t.Fatalf("title %q, %v", title, err)
	}
	if err := s.Navigate(t.Context(), "x"); !errors.Is(err, webdriver.ErrInvalidArgument) {
		t.Fatalf("navigate: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for path, want := range map[string]int{"/session/x/title": 2, "/session/x/url": 1} {
		if calls[path] != want {
			t.Errorf("%s sent %d times, want %d", path, calls[path], want)
		}
	}
}
