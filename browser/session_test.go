package browser_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
)

// open starts chromedriver and a session on it, closed when the test ends.
func open(t testing.TB, cfg browser.SessionConfig) (context.Context, browser.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	t.Cleanup(cancel)
	endpoint := browsertest.StartChromedriver(t)
	cfg.ChromeBinary = browsertest.ChromiumPath(t)
	s, err := browser.OpenWebDriver(ctx, endpoint, cfg)
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return ctx, s
}

func TestIdleTimeout(t *testing.T) {
	closed := make(chan struct{})
	ctx, s := open(t, browser.SessionConfig{
		IdleTimeout: 500 * time.Millisecond,
		OnClose:     func(context.Context) error { close(closed); return nil },
	})
	srv := browsertest.NewServer(t)
	if err := s.Navigate(ctx, srv.URL("/")); err != nil {
		t.Fatal(err)
	}
	<-closed
	_, err := s.Observe(ctx, browser.ObserveOptions{})
	if !errors.Is(err, browser.ErrIdleTimeout) {
		t.Fatalf("observe after idle timeout: %v, want ErrIdleTimeout", err)
	}
	if !strings.Contains(err.Error(), "idle") {
		t.Errorf("error does not say why: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Errorf("close after idle close: %v", err)
	}
}

// TestIdleTimeoutSpansLongCalls checks that a call running longer than the
// idle timeout is not cut off by the watchdog: idle means no command.
func TestIdleTimeoutSpansLongCalls(t *testing.T) {
	var closes atomic.Int32
	ctx, s := open(t, browser.SessionConfig{
		IdleTimeout: 300 * time.Millisecond,
		OnClose:     func(context.Context) error { closes.Add(1); return nil },
	})
	raw, err := s.ExecuteScript(ctx, "return new Promise(function(r){setTimeout(function(){r('done')},900)})")
	if err != nil || string(raw) != `"done"` {
		t.Fatalf("long call: %s, %v", raw, err)
	}
	if closes.Load() != 0 {
		t.Error("the watchdog closed a session during a call")
	}
}

func TestOpenFailureRunsOnClose(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	endpoint := browsertest.StartChromedriver(t)
	called := 0
	_, err := browser.OpenWebDriver(ctx, endpoint, browser.SessionConfig{
		ChromeBinary: "/nonexistent/chromium",
		OnClose:      func(context.Context) error { called++; return nil },
	})
	if err == nil {
		t.Fatal("session on a missing browser binary opened")
	}
	if called != 1 {
		t.Errorf("OnClose ran %d times, want 1", called)
	}
	_, err = browser.OpenWebDriver(ctx, endpoint, browser.SessionConfig{
		PromptBehavior: "sometimes",
		OnClose:        func(context.Context) error { called++; return nil },
	})
	if err == nil || called != 2 {
		t.Errorf("bad config: %v, OnClose ran %d times", err, called)
	}
}

func TestCloseInterruptsCall(t *testing.T) {
	destroyed := make(chan struct{})
	ctx, s := open(t, browser.SessionConfig{
		// Stands in for a provider that kills the browser: the driver
		// cannot delete a session while a script of it still runs.
		OnClose: func(context.Context) error { close(destroyed); return nil },
	})
	errc := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		_, err := s.ExecuteScript(ctx, "return new Promise(function(){})")
		errc <- err
	}()
	<-started
	// Close while the script waits forever; the call must end at once and
	// say why, and the provider's hook must run.
	closeErr := make(chan error, 1)
	go func() { closeErr <- s.Close(ctx) }()
	if err := <-errc; !errors.Is(err, browser.ErrSessionClosed) {
		t.Errorf("interrupted call: %v, want ErrSessionClosed", err)
	}
	if err := <-closeErr; err != nil {
		t.Errorf("close: %v", err)
	}
	<-destroyed
}

func TestEventBuffersAreCapped(t *testing.T) {
	ctx, s := open(t, browser.SessionConfig{})
	srv := browsertest.NewServer(t)
	if err := s.Navigate(ctx, srv.URL("/")); err != nil {
		t.Fatal(err)
	}
	_, err := s.ExecuteScript(ctx, `
		for (var i = 0; i < 450; i++) console.log('msg ' + i);
		var all = [];
		for (var j = 0; j < 600; j++) all.push(fetch('/api/items?n=' + j));
		return Promise.all(all).then(function () { console.log('final'); return fetch('/pricing?final'); }).then(function () { return true; });`)
	if err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		c, n := s.Console(), s.Network()
		if len(c) > 0 && c[len(c)-1].Text == "final" && len(n) > 0 && strings.HasSuffix(n[len(n)-1].URL, "/pricing?final") {
			if len(c) != browser.MaxConsoleEntries || c[0].Text != fmt.Sprintf("msg %d", 451-browser.MaxConsoleEntries) {
				t.Errorf("console kept %d entries starting with %q", len(c), c[0].Text)
			}
			if len(n) != browser.MaxNetworkEvents {
				t.Errorf("network kept %d events, want %d", len(n), browser.MaxNetworkEvents)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("final events not seen; %d console, %d network", len(c), len(n))
		case <-tick.C:
		}
	}
}

// TestInputPathsAgree observes the same pages through the direct DevTools
// connection, chromedriver's CDP pass-through and classic WebDriver: the
// model must see the same whichever way the page is reached.
func TestInputPathsAgree(t *testing.T) {
	srv := browsertest.NewServer(t)
	ctxA, direct := open(t, browser.SessionConfig{})
	ctxB, pass := open(t, browser.SessionConfig{DisableDirectCDP: true})
	ctxC, classic := open(t, browser.SessionConfig{DisableCDP: true})
	for _, path := range []string{"/form", "/frames", "/sample/shop", "/sample/dashboard"} {
		var renders [3]string
		for i, run := range []struct {
			ctx context.Context
			s   browser.Session
		}{{ctxA, direct}, {ctxB, pass}, {ctxC, classic}} {
			if err := run.s.Navigate(run.ctx, srv.URL(path)); err != nil {
				t.Fatal(err)
			}
			o, err := run.s.Observe(run.ctx, browser.ObserveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			renders[i] = o.Render()
		}
		if renders[0] != renders[1] || renders[0] != renders[2] {
			t.Errorf("%s: observations differ\ndevtools:\n%s\npass-through:\n%s\nclassic:\n%s", path, renders[0], renders[1], renders[2])
		}
	}
}

func TestObserveTruncation(t *testing.T) {
	ctx, s := open(t, browser.SessionConfig{})
	srv := browsertest.NewServer(t)
	if err := s.Navigate(ctx, srv.URL("/")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExecuteScript(ctx, "var p=document.createElement('pre');p.textContent='ü'.repeat(20000);document.body.append(p)"); err != nil {
		t.Fatal(err)
	}
	o, err := s.Observe(ctx, browser.ObserveOptions{IncludeHTML: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(o.Text); n != browser.MaxTextChars || !o.TextTruncated {
		t.Errorf("text %d characters, truncated %v", n, o.TextTruncated)
	}
	if n := utf8.RuneCountInString(o.HTML); n != browser.MaxHTMLChars || !o.HTMLTruncated {
		t.Errorf("HTML %d characters, truncated %v", n, o.HTMLTruncated)
	}
	o, err = s.Observe(ctx, browser.ObserveOptions{})
	if err != nil || o.HTML != "" || o.HTMLTruncated {
		t.Errorf("HTML without asking: %d characters, %v", len(o.HTML), err)
	}
}

// TestObserveAfterNavigatingInput checks that an observation right after a
// click that navigates (a form posted to a slow server, a link, a script
// changing location) shows the new page, on every input path.
func TestObserveAfterNavigatingInput(t *testing.T) {
	srv := browsertest.NewServer(t)
	for _, c := range []struct {
		name string
		cfg  browser.SessionConfig
	}{
		{"devtools", browser.SessionConfig{}},
		{"passthrough", browser.SessionConfig{DisableDirectCDP: true}},
		{"classic", browser.SessionConfig{DisableCDP: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, s := open(t, c.cfg)
			for i := range 10 {
				if err := s.Navigate(ctx, srv.URL("/form")); err != nil {
					t.Fatal(err)
				}
				// Multipart, as with file uploads, and a slow answer.
				if _, err := s.ExecuteScript(ctx, "var f=document.getElementById('signup');f.action='/form/submit?delay=300';f.enctype='multipart/form-data'"); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Click(ctx, browser.ByText("Create account")); err != nil {
					t.Fatal(err)
				}
				o, err := s.Observe(ctx, browser.ObserveOptions{})
				if err != nil || o.Title != "Welcome" {
					t.Fatalf("round %d: observation after submit: title %q, %v", i, o.Title, err)
				}
			}
			if err := s.Navigate(ctx, srv.URL("/spa")); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ExecuteScript(ctx, "document.getElementById('card').addEventListener('click', function () { location.href = '/pricing'; })"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Click(ctx, browser.ByText("Weekly report")); err != nil {
				t.Fatal(err)
			}
			if o, err := s.Observe(ctx, browser.ObserveOptions{}); err != nil || o.Title != "Pricing" {
				t.Fatalf("after a script navigation: title %q, %v", o.Title, err)
			}
		})
	}
}
