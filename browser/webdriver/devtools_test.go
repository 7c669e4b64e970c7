package webdriver_test

import (
	"context"
	"errors"
	"testing"

	"github.com/argusqa/argus/browser/webdriver"
)

func TestDevTools(t *testing.T) {
	ctx, s := newSession(t, nil)
	addr := s.Capabilities().DebuggerAddress()
	if addr == "" {
		t.Fatal("no debuggerAddress capability")
	}
	handle, err := s.WindowHandle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webdriver.PageTargetURL(ctx, nil, addr, "not-our-target"); err == nil {
		t.Error("a foreign target id was accepted")
	}
	if _, err := webdriver.PageTargetURL(ctx, nil, "no-port", handle); err == nil {
		t.Error("an address without a port was accepted")
	}
	wsURL, err := webdriver.PageTargetURL(ctx, nil, addr, handle)
	if err != nil {
		t.Fatal(err)
	}
	dt, err := webdriver.DialDevTools(ctx, wsURL)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	if err := s.Navigate(ctx, "about:blank"); err != nil {
		t.Fatal(err)
	}
	// The connection drives the session's own page.
	if _, err := s.ExecuteScript(ctx, "document.title = 'from webdriver'"); err != nil {
		t.Fatal(err)
	}
	if err := dt.Call(ctx, "Runtime.evaluate", map[string]any{"expression": "document.title", "returnByValue": true}, &r); err != nil || r.Result.Value != "from webdriver" {
		t.Errorf("evaluate = %q, %v", r.Result.Value, err)
	}
	var cerr *webdriver.CDPError
	if err := dt.Call(ctx, "No.suchMethod", nil, nil); !errors.As(err, &cerr) || cerr.Code == 0 || cerr.Method != "No.suchMethod" {
		t.Errorf("unknown method: %v", err)
	}
	short, cancel := context.WithCancel(ctx)
	cancel()
	if err := dt.Call(short, "Runtime.evaluate", map[string]any{"expression": "1"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call: %v", err)
	}
	// A cancelled call must not take the connection down with it: the
	// next command still works.
	if err := dt.Call(ctx, "Runtime.evaluate", map[string]any{"expression": "document.title", "returnByValue": true}, &r); err != nil || r.Result.Value != "from webdriver" {
		t.Errorf("evaluate after a cancelled call = %q, %v", r.Result.Value, err)
	}
	// Cancelled while waiting for the answer: the caller gets its
	// context's error, and the connection stays usable.
	mid, cancelMid := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		errc <- dt.Call(mid, "Runtime.evaluate", map[string]any{"expression": "document.title = 'waiting'; new Promise(() => {})", "awaitPromise": true}, nil)
	}()
	for {
		select {
		case err := <-errc:
			t.Fatalf("in-flight call ended before it was cancelled: %v", err)
		default:
		}
		title, err := s.ExecuteScript(ctx, "return document.title")
		if err != nil {
			t.Fatal(err)
		}
		if string(title) == `"waiting"` {
			break
		}
	}
	cancelMid()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("call cancelled in flight: %v", err)
	}
	if err := dt.Call(ctx, "Runtime.evaluate", map[string]any{"expression": "document.title", "returnByValue": true}, &r); err != nil || r.Result.Value != "waiting" {
		t.Errorf("evaluate after an in-flight cancel = %q, %v", r.Result.Value, err)
	}
	if err := dt.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	<-dt.Done()
	if err := dt.Call(ctx, "Runtime.evaluate", nil, nil); !errors.Is(err, webdriver.ErrDevToolsClosed) {
		t.Errorf("call after close: %v, want ErrDevToolsClosed", err)
	}
}

// TestDevToolsPipeline: pipelined commands run in the order sent, each
// answer lands in its own result, and a failing command is reported (the
// first error by order) while the ones around it still ran.
func TestDevToolsPipeline(t *testing.T) {
	ctx, s := newSession(t, nil)
	// A fresh browser may still replace its startup blank page with a new
	// document (and a new window object) after the session answers; the
	// sequence below must run in one document, so it runs in a loaded one.
	if err := s.Navigate(ctx, pages(t).URL); err != nil {
		t.Fatal(err)
	}
	handle, err := s.WindowHandle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wsURL, err := webdriver.PageTargetURL(ctx, nil, s.Capabilities().DebuggerAddress(), handle)
	if err != nil {
		t.Fatal(err)
	}
	dt, err := webdriver.DialDevTools(ctx, wsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dt.Close() })
	type value struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	eval := func(expr string, into *value) webdriver.Command {
		return webdriver.Command{Method: "Runtime.evaluate", Params: map[string]any{"expression": expr, "returnByValue": true}, Result: into}
	}
	var a, b, c value
	if err := dt.Pipeline(ctx,
		eval("window.__seq = 'a'; window.__seq", &a),
		eval("window.__seq += 'b'; window.__seq", &b),
		eval("window.__seq += 'c'; window.__seq", &c),
	); err != nil {
		t.Fatal(err)
	}
	if a.Result.Value != "a" || b.Result.Value != "ab" || c.Result.Value != "abc" {
		t.Errorf("pipelined results %q %q %q, want a ab abc", a.Result.Value, b.Result.Value, c.Result.Value)
	}

	var after value
	err = dt.Pipeline(ctx,
		eval("window.__seq = 'x'", nil),
		webdriver.Command{Method: "No.suchMethod"},
		webdriver.Command{Method: "Also.missing"},
		eval("window.__seq += 'y'; window.__seq", &after),
	)
	var cerr *webdriver.CDPError
	if !errors.As(err, &cerr) || cerr.Method != "No.suchMethod" {
		t.Errorf("pipeline with failing commands: %v, want the first one's error", err)
	}
	if after.Result.Value != "xy" {
		t.Errorf("command after a failing one answered %q, want xy", after.Result.Value)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := dt.Pipeline(cancelled, eval("1", nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled pipeline: %v", err)
	}
	if err := dt.Call(ctx, "Runtime.evaluate", map[string]any{"expression": "window.__seq", "returnByValue": true}, &after); err != nil || after.Result.Value != "xy" {
		t.Errorf("call after a cancelled pipeline = %q, %v", after.Result.Value, err)
	}
}
