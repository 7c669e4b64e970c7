package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/store"
)

// ui drives the UI in real Chromium through Argus's own browser layer.
type ui struct {
	t    *testing.T
	ctx  context.Context
	s    browser.Session
	base string
	dir  string
}

func openBrowser(t *testing.T, e *env, width, height int, chromeArgs ...string) *ui {
	t.Helper()
	cfg := local.Config{MaxSessions: 1}
	if len(chromeArgs) > 0 {
		cfg.ChromeArgs = append(browser.DefaultChromeArgs(), chromeArgs...)
	}
	p, err := local.New(cfg)
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "web-ui-test", Width: width, Height: height})
	if err != nil {
		t.Skipf("chromium did not start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	dir := os.Getenv("ARGUS_UI_SCREENSHOTS")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return &ui{t: t, ctx: ctx, s: s, base: e.url, dir: dir}
}

func (u *ui) open(path string) {
	u.t.Helper()
	if err := u.s.Navigate(u.ctx, u.base+path); err != nil {
		u.t.Fatalf("navigate %s: %v", path, err)
	}
}

func (u *ui) typeInto(css, text string) {
	u.t.Helper()
	if _, err := u.s.Type(u.ctx, browser.ByCSS(css), text, browser.TypeOptions{Clear: true}); err != nil {
		u.t.Fatalf("type into %s: %v", css, err)
	}
}

func (u *ui) click(t browser.Target) {
	u.t.Helper()
	if _, err := u.s.Click(u.ctx, t); err != nil {
		u.t.Fatalf("click %+v: %v", t, err)
	}
}

// eval runs a JavaScript expression and decodes its value.
func (u *ui) eval(expr string, out any) {
	u.t.Helper()
	raw, err := u.s.ExecuteScript(u.ctx, "return ("+expr+");")
	if err != nil {
		u.t.Fatalf("eval %s: %v", expr, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		u.t.Fatalf("eval %s: %s: %v", expr, raw, err)
	}
}

func (u *ui) text(css string) string {
	u.t.Helper()
	var s string
	u.eval(fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent.trim()`, css), &s)
	return s
}

// waitFor waits until a JavaScript condition holds in the page. The wait
// happens inside the page (a promise that resolves when the condition
// turns true); the loop only bridges page loads, during which scripts
// fail.
func (u *ui) waitFor(cond string) {
	u.t.Helper()
	script := fmt.Sprintf(`return new Promise(function (res) {
		var end = Date.now() + 5000;
		(function check() {
			var ok = false;
			try { ok = document.readyState === "complete" && !!(%s); } catch (e) {}
			if (ok || Date.now() > end) { res(ok); return; }
			requestAnimationFrame(check);
		})();
	});`, cond)
	deadline := time.Now().Add(30 * time.Second)
	for {
		raw, err := u.s.ExecuteScript(u.ctx, script)
		if err == nil && string(raw) == "true" {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("waited 30 s for %s (last: %s %v); page: %s", cond, raw, err, u.text("main"))
		}
	}
}

func (u *ui) waitPath(prefix string) {
	u.t.Helper()
	u.waitFor(fmt.Sprintf(`location.pathname.indexOf(%q) === 0`, prefix))
}

func (u *ui) shot(name string) {
	u.t.Helper()
	png, err := u.s.Screenshot(u.ctx)
	if err != nil {
		u.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(u.dir, name+".png"), png, 0o644); err != nil {
		u.t.Fatal(err)
	}
}

func (u *ui) login(email string) {
	u.t.Helper()
	u.open("/login")
	u.typeInto("#email", email)
	u.typeInto("#password", password)
	u.click(browser.ByRole("button", "Sign in"))
	u.waitPath("/projects")
}

// TestBrowserFlow walks the UI as a QA engineer would, in Chromium: sign
// in, create a project and a test (fixing a step the parser rejects), run
// it and watch the run go queued → running → passed without a reload,
// open the step timeline and enlarge a screenshot, make and revoke an API
// key, then sign out; a member is kept out of the admin pages.
func TestBrowserFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	e := newEnv(t, envOptions{})
	u := openBrowser(t, e, 1280, 860)

	u.open("/login")
	u.shot("01-login")
	u.login("ada@example.com")
	if got := u.text(".empty h2"); got != "No projects yet" {
		t.Fatalf("empty state: %q", got)
	}
	u.shot("02-projects-empty")

	u.typeInto("#p-name", "Demo shop")
	u.typeInto("#p-base", "http://shop.test")
	u.click(browser.ByRole("button", "Create project"))
	u.waitPath("/projects/")
	if got := u.text(".empty h2"); got != "No tests yet" {
		t.Fatalf("tests empty state: %q", got)
	}
	u.shot("03-tests-empty")

	u.click(browser.ByRole("link", "Write a test"))
	u.waitPath("/projects/")
	u.waitFor(`document.getElementById("t-name")`)
	u.typeInto("#t-name", "Checkout with the cheapest item")
	u.typeInto("#t-url", "/")
	u.typeInto("#t-goal", "Put the cheapest item in the cart and check out; the order confirmation must show.")
	u.typeInto("#t-steps", `click "Shop"`+"\n"+`expect txt "Cart"`)
	u.typeInto("#t-tags", "smoke, checkout")
	u.click(browser.ByRole("button", "Create test"))
	u.waitFor(`document.querySelector("#t-steps-err .fielderr")`)
	if msg := u.text("#t-steps-err"); !strings.HasPrefix(msg, "line 2:") {
		t.Fatalf("step error: %q", msg)
	}
	u.shot("04-test-editor-error")
	u.typeInto("#t-steps", `click "Shop"`+"\n"+`expect text "Cart"`)
	u.click(browser.ByRole("button", "Create test"))
	u.waitPath("/tests/")
	u.waitFor(`document.querySelector(".flash")`)
	u.shot("05-test-editor")

	// Run it. The fake scheduler hands the agent to this test, which plays
	// the worker.
	u.click(browser.ByRole("button", "▶ Run"))
	u.waitPath("/runs/")
	var agents []store.Agent
	select {
	case agents = <-e.sched.runs:
	case <-time.After(30 * time.Second):
		t.Fatal("the Run button enqueued nothing")
	}
	u.waitFor(`document.querySelector("#run-status .badge").dataset.status === "queued"`)
	// Mark the document: a reload would lose it.
	var ok bool
	u.eval(`(window.__sameDocument = true)`, &ok)
	u.waitFor(`document.getElementById("live-note") && !document.getElementById("live-note").hidden`)

	w := e.worker(agents[0])
	w.start()
	u.waitFor(`document.querySelector("#run-status .badge").dataset.status === "running"`)
	u.waitFor(`document.querySelector("tr[data-agent] .st .badge").dataset.status === "running"`)
	png, err := u.s.Screenshot(u.ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.step(1, "The cart link is at the top right; I will open it.", "click", "The cart opened with 1 item.", png)
	u.waitFor(`document.querySelector("tr[data-agent] .tok").textContent === "1280"`)
	u.shot("06-run-running")
	w.step(2, "The confirmation shows the order number.", "done", "Order #1042 confirmed.", png)
	w.finish(store.StatusPassed, "Bought the cheapest item; the confirmation showed order #1042.", "")
	u.waitFor(`document.querySelector("#run-status .badge").dataset.status === "passed"`)
	u.waitFor(`document.querySelector("tr[data-agent] .st .badge").dataset.status === "passed"`)
	u.waitFor(`document.getElementById("live-note").hidden`)
	u.eval(`window.__sameDocument === true`, &ok)
	if !ok {
		t.Fatal("the run page reloaded to show progress")
	}
	if got := u.text("tr[data-agent] .it"); got != "2" {
		t.Errorf("iterations shown: %q", got)
	}
	u.shot("07-run-passed")

	// Agent page: the step timeline and an enlarged screenshot.
	u.click(browser.ByRole("link", "Checkout with the cheapest item"))
	u.waitPath("/agents/")
	u.waitFor(`document.querySelectorAll("#steps .step").length === 2`)
	if got := u.text("#verdict [data-field=summary]"); !strings.Contains(got, "order #1042") {
		t.Errorf("summary: %q", got)
	}
	u.waitFor(`document.querySelector("#steps .shot img").complete && document.querySelector("#steps .shot img").naturalWidth > 0`)
	u.shot("08-agent-timeline")
	u.click(browser.ByCSS("#steps .shot"))
	u.waitFor(`document.getElementById("lightbox").open && document.querySelector("#lightbox img").naturalWidth > 100`)
	u.shot("09-screenshot-enlarged")
	u.eval(`(document.getElementById("lightbox").close(), true)`, &ok)

	// The project's front page is its health board, and it follows runs
	// started anywhere (here, as by CI) without a reload.
	run, err := e.st.GetRun(e.ctx, e.tenant.ID, agents[0].RunID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.st.GetProject(e.ctx, e.tenant.ID, run.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	u.open("/projects/" + p.ID.String())
	card := `document.getElementById("card-` + agents[0].TestID.String() + `")`
	u.waitFor(card + ` && ` + card + `.dataset.status === "passed"`)
	u.waitFor(`document.querySelector("[data-live-board]")`)
	u.eval(`(window.__sameDocument = true)`, &ok)
	_, again := e.seedRun(p, *agents[0].TestID)
	w = e.worker(again[0])
	w.start()
	u.waitFor(card + `.querySelector(".s-running")`)
	w.finish(store.StatusFailed, "The confirmation never showed.", "")
	u.waitFor(card + `.dataset.status === "failed" && !` + card + `.querySelector(".s-running")`)
	u.waitFor(`!document.getElementById("rerun-failing").hidden && document.querySelector("#rerun-failing [data-field=failing]").textContent === "1"`)
	u.eval(`window.__sameDocument === true`, &ok)
	if !ok {
		t.Fatal("the board reloaded to show progress")
	}
	u.shot("10-health-board-live")

	// Project settings.
	u.open("/projects")
	u.click(browser.ByRole("link", "Demo shop"))
	u.waitPath("/projects/")
	u.click(browser.ByRole("link", "Settings"))
	u.waitPath("/projects/")
	u.waitFor(`document.getElementById("secrets")`)
	u.shot("11-project-settings")

	// API key: created, shown once, revoked.
	u.open("/settings/keys")
	u.typeInto("#k-name", "GitHub Actions")
	u.click(browser.ByRole("button", "Create key"))
	u.waitFor(`document.getElementById("new-key")`)
	key := u.text("#new-key")
	if _, err := e.st.LookupAPIKey(e.ctx, key); err != nil {
		t.Fatalf("the key shown does not work: %v", err)
	}
	u.shot("12-api-key-created")
	u.click(browser.ByRole("button", "Revoke the key GitHub Actions"))
	u.waitFor(`!document.getElementById("new-key") && document.querySelector("tr[data-key='GitHub Actions'] .state").textContent.trim() === "revoked"`)
	if _, err := e.st.LookupAPIKey(e.ctx, key); err == nil {
		t.Fatal("revoked key still works")
	}
	u.shot("13-api-keys")
	u.open("/settings/members")
	u.shot("14-members")

	// Sign out: the session ends, pages send you to the login.
	u.click(browser.ByRole("button", "Sign out"))
	u.waitPath("/login")
	u.open("/projects")
	u.waitPath("/login")

	// A member cannot reach the admin pages.
	u.login("max@example.com")
	u.open("/settings/keys")
	if got := u.text("h1"); got != "Admins only" {
		t.Fatalf("member on /settings/keys sees %q", got)
	}
	u.shot("15-member-forbidden")
}

// TestBrowserPhone checks the main pages at a phone's width: nothing
// overflows horizontally outside the scrollable tables.
func TestBrowserPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Demo shop", "Checkout with the cheapest item")
	run, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "The cart link is at the top right; I will open it.", "click", "The cart opened.", pngBytes())
	w.finish(store.StatusError, "", "the browser was lost (chromedriver exited)")
	u := openBrowser(t, e, 390, 844)
	u.login("ada@example.com")
	for name, path := range map[string]string{"phone-tests": "/projects/" + p.ID.String(), "phone-run": "/runs/" + run.ID.String(),
		"phone-agent-error": "/agents/" + agents[0].ID.String(), "phone-test-editor": "/tests/" + tt.ID.String()} {
		u.open(path)
		var overflow bool
		u.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
		if overflow {
			t.Errorf("%s overflows a phone screen", path)
		}
		u.shot(name)
	}
}

// TestBrowserDark renders pages with the system in dark mode: the
// stylesheet follows prefers-color-scheme.
func TestBrowserDark(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Demo shop", "Checkout with the cheapest item")
	run, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "The cart link is at the top right; I will open it.", "click", "The cart opened.", pngBytes())
	w.finish(store.StatusFailed, "The order confirmation never showed: the checkout button did nothing.", "")
	u := openBrowser(t, e, 1280, 860, "--force-dark-mode")
	u.login("ada@example.com")
	var dark bool
	u.eval(`matchMedia("(prefers-color-scheme: dark)").matches`, &dark)
	if !dark {
		t.Skip("this Chromium does not emulate a dark system")
	}
	u.open("/agents/" + agents[0].ID.String())
	var bg string
	u.eval(`getComputedStyle(document.body).backgroundColor`, &bg)
	if bg != "rgb(18, 21, 26)" {
		t.Errorf("dark background: %s", bg)
	}
	u.shot("dark-agent-failed")
	u.open("/runs/" + run.ID.String())
	u.shot("dark-run")
	u.open("/projects/" + p.ID.String())
	u.shot("dark-tests")
}
