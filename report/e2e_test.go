package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/browser/webdriver"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
)

const (
	e2eEmail    = "ada@example.com"
	e2ePassword = "correct-horse-battery"
)

// e2eApp is the application under test: a login that works, a dashboard
// that shows markup as text, and a settings page whose Save is broken.
func e2eApp(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, title, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>%s</title></head><body>%s</body></html>`, html.EscapeString(title), body)
	}
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Sign in", `<h1>Sign in</h1><form method="post" action="/login">
<label>Email <input name="email" type="email"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>`)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("email") != e2eEmail || r.FormValue("password") != e2ePassword {
			http.Error(w, "wrong password", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Dashboard <img src=x onerror=alert(1)>", `<h1>Welcome back, Ada</h1><p>`+html.EscapeString(`<img src=x onerror=alert(2)>`)+`</p>`)
	})
	mux.HandleFunc("GET /settings", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Settings", `<h1>Settings</h1><button id="save">Save settings</button><p id="msg"></p>
<script>
document.getElementById("save").addEventListener("click", async () => {
  await fetch("/api/settings", {method: "POST"});
  showSavedBanner(); // renamed: the page is broken
});
</script>`)
	})
	mux.HandleFunc("POST /api/settings", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database is read-only", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

const e2eSuite = `tests:
  - name: Log in
    url: /login
    steps:
      - type "ada@example.com" into "Email"
      - type "{{secret.pw}}" into "Password"
      - click role button "Sign in"
      - expect text "Welcome back, Ada"
      - expect text "<img src=x onerror=alert(2)>"
    tags: [smoke]
  - name: Save settings
    url: /settings
    expected_failure: Saving is broken on purpose in this application.
    steps:
      - click role button "Save settings"
      - expect text "Settings saved."
  - name: Find a price
    goal: Find the price of the office chair.
  - name: "<img src=x onerror=alert(3)>"
    url: /dashboard
    steps:
      - expect text "<script>alert(4)</script>"
`

// TestEndToEnd runs a suite with the real agent in real Chromium, as
// `argus run` does — agents in parallel, live progress, a Recorder per
// test — and then checks the reports on disk and the HTML report in
// Chromium itself, opened from the file system.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	app := e2eApp(t)
	tests, err := suite.Parse("e2e.yaml", []byte(e2eSuite))
	if err != nil {
		t.Fatal(err)
	}
	provider, err := local.New(local.Config{})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = provider.Close(ctx)
	})
	ag, err := agent.New(agent.Config{ExpectTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	reportDir := filepath.Join(out, "report")
	var progressOut lockedBuffer
	progress := report.NewProgress(&progressOut, false)
	slugs := report.Slugs(tests)
	secrets := map[string]string{"pw": e2ePassword}
	runs := make([]report.TestRun, len(tests))
	started := time.Now()
	var wg sync.WaitGroup
	for i, tt := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i] = runOne(t, ag, provider, tt, app.URL, reportDir, slugs[i], secrets, progress)
		}()
	}
	wg.Wait()
	progress.Close()
	info := report.RunInfo{Started: started, Elapsed: time.Since(started), BaseURL: app.URL, ReportDir: reportDir, JUnitPath: filepath.Join(out, "junit.xml")}
	if err := report.WriteJUnitFile(info.JUnitPath, runs, info); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(reportDir, runs, info); err != nil {
		t.Fatal(err)
	}
	var summary bytes.Buffer
	if err := report.PrintSummary(&summary, runs, info); err != nil {
		t.Fatal(err)
	}
	t.Logf("progress:\n%s\nsummary:%s", progressOut.String(), summary.String())

	want := []report.Status{report.StatusPassed, report.StatusExpectedFailure, report.StatusSkipped, report.StatusFailed}
	for i, r := range runs {
		if r.Status() != want[i] {
			t.Errorf("%s: %s (%s), want %s", r.Name(), r.Status(), r.Message(), want[i])
		}
	}
	if code := report.ExitCode(runs); code != report.ExitFailed {
		t.Errorf("exit code %d, want %d", code, report.ExitFailed)
	}

	// Every screenshot the steps name is a real PNG on disk.
	shots := 0
	for _, r := range runs {
		for _, s := range r.Steps {
			if s.Screenshot == "" {
				t.Errorf("%s step %d has no screenshot", r.Name(), s.Index)
				continue
			}
			f, err := os.Open(filepath.Join(reportDir, filepath.FromSlash(s.Screenshot)))
			if err != nil {
				t.Error(err)
				continue
			}
			cfg, err := png.DecodeConfig(f)
			f.Close()
			if err != nil || cfg.Width < 100 || cfg.Height < 100 {
				t.Errorf("%s: %v %+v", s.Screenshot, err, cfg)
			}
			shots++
		}
	}
	if shots < 8 {
		t.Errorf("only %d screenshots", shots)
	}
	settings := runs[1]
	if fs := settings.FailingStep(); fs == nil || !strings.Contains(fs.Outcome, "Settings saved.") ||
		!strings.Contains(settings.Message(), "console error") {
		t.Errorf("the broken page's failure lacks its evidence: %q", settings.Message())
	}

	// The secret reached the browser and nothing else.
	junit, _ := os.ReadFile(info.JUnitPath)
	index, _ := os.ReadFile(filepath.Join(reportDir, report.HTMLFile))
	for name, text := range map[string]string{"progress": progressOut.String(), "summary": summary.String(), "junit": string(junit), "html": string(index)} {
		if strings.Contains(text, e2ePassword) {
			t.Errorf("the secret appears in the %s output", name)
		}
	}
	for _, want := range []string{"✓ Log in — passed", "✓ Save settings — failed as expected", "- Find a price (goal only) — skipped: needs a language model", "✗ <img src=x onerror=alert(3)> — failed"} {
		if !strings.Contains(progressOut.String(), want) {
			t.Errorf("progress lacks %q", want)
		}
	}

	checkReportInChromium(t, filepath.Join(reportDir, report.HTMLFile), shots)
}

// runOne does for one test what the CLI does.
func runOne(t *testing.T, ag *agent.Agent, p browser.Provider, tt *suite.Test, baseURL, reportDir, slug string,
	secrets map[string]string, progress report.Progress) report.TestRun {
	rec, err := report.NewRecorder(report.RecorderConfig{Dir: reportDir, Test: tt, Slug: slug,
		OnStep: func(s report.Step) { progress.Step(tt, s) }})
	if err != nil {
		t.Error(err)
		return report.TestRun{Test: tt, StartErr: err}
	}
	task, err := agent.TaskFromTest(tt, baseURL, ".", secrets)
	if err != nil {
		run := rec.Finish(nil, err)
		progress.Finished(run)
		return run
	}
	if tt.NeedsModel() {
		// What the CLI does without a model: skip, with the notice.
		run := report.Skipped(tt, report.SkipNoModel)
		progress.Finished(run)
		return run
	}
	progress.Started(tt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sess, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: slug})
	if err != nil {
		run := rec.Finish(nil, err)
		progress.Finished(run)
		return run
	}
	defer sess.Close(context.Background())
	res, err := ag.Run(ctx, sess, task, rec)
	run := rec.Finish(res, err)
	progress.Finished(run)
	return run
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// checkReportInChromium opens the report from disk, as a person would, and
// checks what only a browser can: the screenshots load under the page's
// Content Security Policy, the stylesheet applies (its hash matches), no
// injected markup exists, and text is readable (WCAG AA contrast) in both
// the light and the dark colour scheme.
func checkReportInChromium(t *testing.T, path string, shots int) {
	t.Helper()
	endpoint := browsertest.StartChromedriver(t)
	chromium := browsertest.ChromiumPath(t)
	c, err := webdriver.NewClient(endpoint, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := c.NewSession(ctx, webdriver.Capabilities{
		"browserName":        "chrome",
		"goog:chromeOptions": map[string]any{"binary": chromium, "args": append(browser.DefaultChromeArgs(), "--window-size=1280,900")},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Delete(t.Context())
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Navigate(ctx, (&url.URL{Scheme: "file", Path: abs}).String()); err != nil {
		t.Fatal(err)
	}

	// Lazy images load when scrolled to; bring each into view and wait.
	var loaded struct {
		Total, Loaded, Injected int
		BadgeBG                 string
	}
	raw, err := s.ExecuteAsyncScript(ctx, `
const done = arguments[arguments.length - 1];
const imgs = [...document.images];
for (const img of imgs) { img.loading = "eager"; img.scrollIntoView(); }
Promise.all(imgs.map(img => img.decode().catch(() => null))).then(() => done({
  Total: imgs.length,
  Loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
  Injected: document.querySelectorAll('img[src="x"], script, [onerror]').length,
  BadgeBG: getComputedStyle(document.querySelector(".badge")).backgroundColor,
}));`)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &loaded); err != nil {
		t.Fatal(err)
	}
	if loaded.Total != shots || loaded.Loaded != shots {
		t.Errorf("%d of %d screenshots loaded, want %d", loaded.Loaded, loaded.Total, shots)
	}
	if loaded.Injected != 0 {
		t.Errorf("%d injected elements in the report", loaded.Injected)
	}
	if loaded.BadgeBG == "rgba(0, 0, 0, 0)" || loaded.BadgeBG == "" {
		t.Errorf("the stylesheet did not apply (badge background %q): blocked by the page's policy?", loaded.BadgeBG)
	}

	for _, scheme := range []string{"light", "dark"} {
		if _, err := s.ExecuteCDP(ctx, "Emulation.setEmulatedMedia", map[string]any{
			"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}},
		}); err != nil {
			t.Fatal(err)
		}
		raw, err := s.ExecuteScript(ctx, contrastScript)
		if err != nil {
			t.Fatal(err)
		}
		var low []string
		if err := json.Unmarshal(raw, &low); err != nil {
			t.Fatal(err)
		}
		for _, l := range low {
			t.Errorf("%s scheme: contrast below 4.5:1: %s", scheme, l)
		}
	}
}

// contrastScript returns a description of every visible text element whose
// colour contrasts less than 4.5:1 with its effective background.
const contrastScript = `
const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const bg = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; } return parse(getComputedStyle(document.documentElement).backgroundColor); };
const low = [];
for (const el of document.querySelectorAll("body *")) {
  if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  const r = el.getBoundingClientRect(); if (r.width < 2 || r.height < 2) continue;
  const st = getComputedStyle(el); if (st.visibility === "hidden" || st.display === "none") continue;
  const fg = lum(parse(st.color)), b = lum(bg(el));
  const ratio = (Math.max(fg, b) + 0.05) / (Math.min(fg, b) + 0.05);
  if (ratio < 4.5) low.push(el.tagName + "." + el.className + " " + ratio.toFixed(2) + " " + JSON.stringify(el.textContent.trim().slice(0, 40)));
}
return low;`
