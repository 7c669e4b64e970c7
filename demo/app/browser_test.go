package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// These tests drive the demo app in real headless Chromium through
// chromedriver, because its two interesting behaviours live in the
// browser: the product list filters as you type, and the settings page
// breaks with a JavaScript error. The W3C WebDriver calls are made directly
// here so the demo does not depend on Argus's own browser layer, which it
// exists to exercise.

const (
	chromedriverPath = "/usr/bin/chromedriver"
	chromiumPath     = "/usr/bin/chromium"
)

type webdriver struct {
	t      *testing.T
	ctx    context.Context
	base   string // http://127.0.0.1:PORT/session/ID
	appURL string
	hits   chan string // "METHOD path?query" of every request the app served
	client *http.Client
}

// startBrowser serves a fresh app and opens a Chromium session on it.
func startBrowser(t *testing.T) *webdriver {
	t.Helper()
	if _, err := os.Stat(chromedriverPath); err != nil {
		t.Skipf("chromedriver not installed at %s", chromedriverPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)

	a, err := New(Config{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	hits := make(chan string, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hits <- r.Method + " " + r.URL.RequestURI():
		default:
		}
		a.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	driverURL := startChromedriver(t, ctx)
	wd := &webdriver{t: t, ctx: ctx, appURL: srv.URL, hits: hits, client: &http.Client{}}
	// New Session answers {"value": {"sessionId": …, "capabilities": …}}.
	var created struct {
		SessionID string `json:"sessionId"`
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chromiumPath,
			"args": []string{
				"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--no-first-run", "--disable-quic", "--disable-extensions", "--disable-default-apps",
				"--mute-audio",
			},
		},
		"goog:loggingPrefs": map[string]string{"browser": "ALL"},
	}}}
	wd.call(http.MethodPost, driverURL+"/session", caps, &created)
	wd.base = driverURL + "/session/" + created.SessionID
	t.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, wd.base, nil)
		if resp, err := wd.client.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	wd.call(http.MethodPost, wd.base+"/timeouts", map[string]int{"script": 15000, "pageLoad": 30000, "implicit": 0}, nil)
	return wd
}

// startChromedriver runs chromedriver on a free loopback port and returns
// its URL once it reports that it is ready. Given --port=0 it binds the
// kernel's IPv4 port again on ::1, where another socket may hold it, and
// exits; another try gets another port.
func startChromedriver(t *testing.T, ctx context.Context) string {
	t.Helper()
	for range 3 {
		if url, ok := startChromedriverOnce(t, ctx); ok {
			return url
		}
	}
	t.Fatal("chromedriver exited before it was ready, 3 times")
	return ""
}

func startChromedriverOnce(t *testing.T, ctx context.Context) (string, bool) {
	t.Helper()
	cmd := exec.Command(chromedriverPath, "--port=0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromedriver: %v", err)
	}
	t.Cleanup(func() {
		// chromedriver starts Chromium in its process group; end them all.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`started successfully on port (\d+)`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		close(ready)
	}()
	select {
	case port, ok := <-ready:
		if !ok {
			return "", false
		}
		return "http://127.0.0.1:" + port, true
	case <-ctx.Done():
		t.Fatal("chromedriver did not start")
	}
	return "", false
}

// call sends one WebDriver command and decodes its "value" into out.
func (wd *webdriver) call(method, url string, body any, out any) {
	wd.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			wd.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(wd.ctx, method, url, r)
	if err != nil {
		wd.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := wd.client.Do(req)
	if err != nil {
		wd.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		wd.t.Fatal(err)
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		wd.t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK {
		wd.t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, env.Value)
	}
	if out != nil {
		if err := json.Unmarshal(env.Value, out); err != nil {
			wd.t.Fatalf("decode %s: %v", env.Value, err)
		}
	}
}

func (wd *webdriver) navigate(path string) {
	wd.t.Helper()
	wd.call(http.MethodPost, wd.base+"/url", map[string]string{"url": wd.appURL + path}, nil)
}

func (wd *webdriver) find(css string) string {
	wd.t.Helper()
	var el map[string]string
	wd.call(http.MethodPost, wd.base+"/element", map[string]string{"using": "css selector", "value": css}, &el)
	for _, id := range el {
		return id
	}
	wd.t.Fatalf("element %s not found", css)
	return ""
}

func (wd *webdriver) typeInto(css, text string) {
	wd.t.Helper()
	wd.call(http.MethodPost, wd.base+"/element/"+wd.find(css)+"/value", map[string]string{"text": text}, nil)
}

func (wd *webdriver) click(css string) {
	wd.t.Helper()
	wd.call(http.MethodPost, wd.base+"/element/"+wd.find(css)+"/click", map[string]any{}, nil)
}

// script runs JavaScript in the page; async scripts finish by calling the
// callback passed as their last argument.
func (wd *webdriver) script(async bool, js string, out any) {
	wd.t.Helper()
	kind := "sync"
	if async {
		kind = "async"
	}
	wd.call(http.MethodPost, wd.base+"/execute/"+kind, map[string]any{"script": js, "args": []any{}}, out)
}

type logEntry struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

// consoleLog returns the browser console entries since the last call.
func (wd *webdriver) consoleLog() []logEntry {
	wd.t.Helper()
	var entries []logEntry
	wd.call(http.MethodPost, wd.base+"/se/log", map[string]string{"type": "browser"}, &entries)
	return entries
}

// waitHit waits until the app has served a request starting with prefix.
func (wd *webdriver) waitHit(prefix string) {
	wd.t.Helper()
	for {
		select {
		case h := <-wd.hits:
			if strings.HasPrefix(h, prefix) {
				return
			}
		case <-wd.ctx.Done():
			wd.t.Fatalf("the app never served %s", prefix)
		}
	}
}

// waitFor resolves when the JavaScript condition holds, checked now and
// after every DOM change, or fails the script after the script timeout. It
// suits conditions on the DOM only.
const waitFor = `
const done = arguments[arguments.length - 1];
const check = () => { try { return (%s); } catch (e) { return false; } };
if (check()) { done(true); return; }
const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); done(true); } });
obs.observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true});
`

func (wd *webdriver) login(next string) {
	wd.t.Helper()
	wd.navigate("/login?next=" + next)
	wd.typeInto("#email", DemoEmail)
	wd.typeInto("#password", DemoPassword)
	wd.click("main form button[type=submit]")
	// The form posts, the app redirects, the browser loads next. Wait for
	// the app to serve it; chromedriver then finishes the pending
	// navigation before answering the next command.
	wd.waitHit("GET " + next)
	var current string
	wd.call(http.MethodGet, wd.base+"/url", nil, &current)
	if current != wd.appURL+next {
		wd.t.Fatalf("after login the browser is at %s, want %s", current, wd.appURL+next)
	}
}

func TestBrowserLoginHasNoConsoleErrors(t *testing.T) {
	wd := startBrowser(t)
	wd.login("/dashboard")
	var welcome string
	wd.script(false, `return document.querySelector(".welcome").textContent`, &welcome)
	if welcome != "Welcome back, Demo User!" {
		t.Fatalf("welcome = %q", welcome)
	}
	wd.navigate("/products")
	wd.navigate("/profile")
	for _, e := range wd.consoleLog() {
		if e.Level == "SEVERE" {
			t.Errorf("console error on a working page: %s", e.Message)
		}
	}
}

func TestBrowserProductFilter(t *testing.T) {
	wd := startBrowser(t)
	wd.navigate("/products")
	var count string
	wd.script(false, `return document.getElementById("result-count").textContent`, &count)
	if count != "12 products" {
		t.Fatalf("initial count %q", count)
	}
	// A marker on window survives only if the page is not reloaded.
	wd.script(false, `window.__sameDocument = true`, nil)
	wd.typeInto("#q", "lamp")
	wd.waitHit("GET /api/products?q=lamp")
	var ok bool
	wd.script(true, fmt.Sprintf(waitFor, `document.getElementById("result-count").textContent === "2 products"`), &ok)

	var state struct {
		Names  []string `json:"names"`
		Search string   `json:"search"`
		Same   bool     `json:"same"`
	}
	wd.script(false, `return {
		names: [...document.querySelectorAll("#product-list h2")].map(h => h.textContent),
		search: location.search,
		same: window.__sameDocument === true,
	}`, &state)
	if strings.Join(state.Names, ",") != "Desk lamp,Floor lamp" || state.Search != "?q=lamp" || !state.Same {
		t.Fatalf("after typing: %+v", state)
	}

	wd.typeInto("#q", "zzz") // appends: the query is now "lampzzz"
	wd.script(true, fmt.Sprintf(waitFor, `!document.getElementById("no-results").hidden`), &ok)
	var empty string
	wd.script(false, `return document.getElementById("no-results").textContent + " / " + document.getElementById("result-count").textContent`, &empty)
	if empty != "No products match your search. / 0 products" {
		t.Fatalf("no results: %q", empty)
	}
}

func TestBrowserSettingsPageIsBroken(t *testing.T) {
	wd := startBrowser(t)
	wd.login("/settings")
	wd.consoleLog() // discard the login's entries
	wd.script(false, `window.__errors = []; window.addEventListener("unhandledrejection", e => window.__errors.push(String(e.reason)))`, nil)
	wd.click("#weekly-digest")
	wd.click("#settings-form button[type=submit]")
	wd.waitHit("POST /api/settings")
	var ok bool
	// The error changes no DOM, so wait on the event itself rather than
	// with waitFor. The collector above was added first, so it has run
	// by the time this listener fires.
	wd.script(true, `const done = arguments[arguments.length - 1];
		if (window.__errors.length > 0) { done(true); return; }
		window.addEventListener("unhandledrejection", () => done(true), {once: true});`, &ok)

	var state struct {
		Errors []string `json:"errors"`
		Status string   `json:"status"`
		Body   string   `json:"body"`
	}
	wd.script(false, `return {errors: window.__errors, status: document.getElementById("settings-status").textContent, body: document.body.innerText}`, &state)
	if len(state.Errors) != 1 || !strings.Contains(state.Errors[0], "ReferenceError: renderSavedBanner is not defined") {
		t.Errorf("page errors = %q", state.Errors)
	}
	if state.Status != "" || strings.Contains(state.Body, "Settings saved") {
		t.Errorf("the broken page showed a confirmation: status %q", state.Status)
	}

	var failed, thrown bool
	for _, e := range wd.consoleLog() {
		if e.Level != "SEVERE" {
			continue
		}
		failed = failed || strings.Contains(e.Message, "/api/settings") && strings.Contains(e.Message, "500")
		thrown = thrown || strings.Contains(e.Message, "renderSavedBanner is not defined")
	}
	if !failed || !thrown {
		t.Errorf("console shows the failed request: %v, the ReferenceError: %v", failed, thrown)
	}
}
