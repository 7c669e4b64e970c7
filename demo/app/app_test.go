package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// testApp is the app behind an httptest server with a browser-like client
// (cookie jar, redirects not followed so tests can check them).
type testApp struct {
	t      *testing.T
	app    *App
	srv    *httptest.Server
	client *http.Client
	logs   *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	logs := &syncBuffer{}
	a, err := New(Config{BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return &testApp{t: t, app: a, srv: srv, client: newClient(t), logs: logs}
}

func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (ta *testApp) do(req *http.Request) response {
	ta.t.Helper()
	resp, err := ta.client.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		ta.t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), header: resp.Header}
}

func (ta *testApp) get(path string) response {
	ta.t.Helper()
	req, err := http.NewRequest(http.MethodGet, ta.srv.URL+path, nil)
	if err != nil {
		ta.t.Fatal(err)
	}
	return ta.do(req)
}

func (ta *testApp) post(path string, form url.Values) response {
	ta.t.Helper()
	req, err := http.NewRequest(http.MethodPost, ta.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		ta.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return ta.do(req)
}

func (ta *testApp) postJSON(path, body string) response {
	ta.t.Helper()
	req, err := http.NewRequest(http.MethodPost, ta.srv.URL+path, strings.NewReader(body))
	if err != nil {
		ta.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return ta.do(req)
}

func (ta *testApp) login() {
	ta.t.Helper()
	r := ta.post("/login", url.Values{"email": {DemoEmail}, "password": {DemoPassword}})
	if r.status != http.StatusSeeOther || r.location != "/dashboard" {
		ta.t.Fatalf("login: %d to %q", r.status, r.location)
	}
}

// mustContain checks the body as a browser shows it: character references
// such as &#43; (html/template's spelling of +) are decoded first.
func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	body = html.UnescapeString(body)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body does not contain %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	body = html.UnescapeString(body)
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("body contains %q", w)
		}
	}
}

func TestSignupValidation(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		name string
		form url.Values
		want []string
	}{
		{"everything wrong", url.Values{"name": {""}, "email": {"not-an-email"}, "password": {"short"}, "confirm": {"different"}},
			[]string{msgFixErrors, msgNameRequired, msgEmailInvalid, msgPasswordShort, msgPasswordsDiffer}},
		{"display name is not an email", url.Values{"name": {"Ada"}, "email": {"Ada <ada@example.com>"}, "password": {"long enough"}, "confirm": {"long enough"}},
			[]string{msgEmailInvalid}},
		{"domain without a dot", url.Values{"name": {"Ada"}, "email": {"ada@localhost"}, "password": {"long enough"}, "confirm": {"long enough"}},
			[]string{msgEmailInvalid}},
		{"confirmation differs", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "password": {"long enough"}, "confirm": {"long enougH"}},
			[]string{msgPasswordsDiffer}},
		{"seven characters", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "password": {"1234567"}, "confirm": {"1234567"}},
			[]string{msgPasswordShort}},
		{"beyond bcrypt's limit", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "password": {strings.Repeat("p", 73)}, "confirm": {strings.Repeat("p", 73)}},
			[]string{msgPasswordLong}},
		{"existing account, any case", url.Values{"name": {"Demo"}, "email": {"DEMO@example.com"}, "password": {"long enough"}, "confirm": {"long enough"}},
			[]string{msgEmailTaken}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ta.post("/signup", c.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.status)
			}
			mustContain(t, r.body, c.want...)
			mustContain(t, r.body, `role="alert"`, `aria-invalid="true"`)
			if pw := c.form.Get("password"); pw != "" {
				mustNotContain(t, r.body, `value="`+pw+`"`)
			}
			if c.form.Get("email") == "not-an-email" {
				// The typed email comes back so the user can correct it.
				mustContain(t, r.body, `value="not-an-email"`, `aria-describedby="email-error"`)
			}
		})
	}
}

func TestSignupLogsIn(t *testing.T) {
	ta := newTestApp(t)
	r := ta.post("/signup", url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "password": {"analytical engine"}, "confirm": {"analytical engine"}})
	if r.status != http.StatusSeeOther || r.location != "/dashboard?welcome=new" {
		t.Fatalf("signup: %d to %q: %s", r.status, r.location, r.body)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, attr := range []string{sessionCookie + "=", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=86400"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("cookie %q lacks %s", cookie, attr)
		}
	}
	d := ta.get(r.location)
	if d.status != http.StatusOK {
		t.Fatalf("dashboard: %d", d.status)
	}
	mustContain(t, d.body, "Welcome, Ada Lovelace!", "Your account is ready.", "ada@example.com", "<title>Dashboard · Lumen Office Supply</title>")

	// The new account can log in again after logging out.
	ta.post("/logout", nil)
	r = ta.post("/login", url.Values{"email": {"ADA@example.com"}, "password": {"analytical engine"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login with new account: %d", r.status)
	}
	mustContain(t, ta.get("/dashboard").body, "Welcome back, Ada Lovelace!")
}

func TestLogin(t *testing.T) {
	ta := newTestApp(t)
	for _, form := range []url.Values{
		{"email": {DemoEmail}, "password": {"wrong password"}},
		{"email": {"nobody@example.com"}, "password": {DemoPassword}},
		{"email": {""}, "password": {""}},
	} {
		r := ta.post("/login", form)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("bad login %v: status %d", form, r.status)
		}
		mustContain(t, r.body, msgLoginFailed, `role="alert"`)
		mustNotContain(t, r.body, "Welcome back")
	}

	r := ta.get("/dashboard")
	if r.status != http.StatusSeeOther || r.location != "/login?next=%2Fdashboard" {
		t.Fatalf("dashboard before login: %d to %q", r.status, r.location)
	}
	ta.login()
	r = ta.get("/dashboard")
	if r.status != http.StatusOK {
		t.Fatalf("dashboard: %d", r.status)
	}
	mustContain(t, r.body, "Welcome back, Demo User!", "Log out")
	mustNotContain(t, r.body, "Your account is ready.")

	// Logging out ends the session on the server, not only in the browser.
	jarCookies := ta.client.Jar.Cookies(mustURL(t, ta.srv.URL))
	r = ta.post("/logout", nil)
	if r.status != http.StatusSeeOther || r.location != "/" {
		t.Fatalf("logout: %d to %q", r.status, r.location)
	}
	if r = ta.get("/dashboard"); r.status != http.StatusSeeOther {
		t.Fatalf("dashboard after logout: %d", r.status)
	}
	stale := newClient(t)
	stale.Jar.SetCookies(mustURL(t, ta.srv.URL), jarCookies)
	resp, err := stale.Get(ta.srv.URL + "/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("old session cookie still works: %d", resp.StatusCode)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLoginReturnsToRequestedPage(t *testing.T) {
	ta := newTestApp(t)
	r := ta.get("/settings")
	if r.status != http.StatusSeeOther || r.location != "/login?next=%2Fsettings" {
		t.Fatalf("settings before login: %d to %q", r.status, r.location)
	}
	page := ta.get(r.location)
	mustContain(t, page.body, `name="next" value="/settings"`)
	r = ta.post("/login", url.Values{"email": {DemoEmail}, "password": {DemoPassword}, "next": {"/settings"}})
	if r.location != "/settings" {
		t.Fatalf("login went to %q", r.location)
	}
	// Once logged in, the login page forwards to next too.
	if r := ta.get("/login?next=/profile"); r.location != "/profile" {
		t.Fatalf("login page when logged in went to %q", r.location)
	}

	// next cannot send the user to another site.
	for _, next := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`, "javascript:alert(1)", ""} {
		other := newTestApp(t)
		r := other.post("/login", url.Values{"email": {DemoEmail}, "password": {DemoPassword}, "next": {next}})
		if r.location != "/dashboard" {
			t.Errorf("next=%q redirected to %q", next, r.location)
		}
	}
}

func TestProfileValidation(t *testing.T) {
	ta := newTestApp(t)
	ta.login()
	r := ta.post("/profile", url.Values{"name": {""}, "phone": {"12ab"}, "website": {"example.com"}, "bio": {strings.Repeat("b", 201)}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.status)
	}
	mustContain(t, r.body, msgFixErrors, msgNameRequired, msgPhoneInvalid, msgWebsiteInvalid, msgBioTooLong)

	r = ta.post("/profile", url.Values{"name": {"Demo User"}, "phone": {"+32 470 12 34 56"}, "website": {"https://example.com/me"}, "bio": {"Likes tidy desks."}})
	if r.status != http.StatusSeeOther || r.location != "/profile?saved=1" {
		t.Fatalf("save: %d to %q: %s", r.status, r.location, r.body)
	}
	page := ta.get(r.location)
	mustContain(t, page.body, "Profile saved.", `value="+32 470 12 34 56"`, `value="https://example.com/me"`, "Likes tidy desks.</textarea>")
	mustNotContain(t, ta.get("/profile").body, "Profile saved.")
}

func TestFieldRules(t *testing.T) {
	for s, want := range map[string]bool{"+32 470 12 34 56": true, "(02) 123-4567": true, "123456": false, "12+3456789": false, "0470abc123": false, "123456789012345678901": false} {
		if got := validPhone(s); got != want {
			t.Errorf("validPhone(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"https://example.com": true, "http://a.b/c?d": true, "example.com": false, "ftp://x.y": false, "https://": false, "https://a b.c": false} {
		if got := validWebsite(s); got != want {
			t.Errorf("validWebsite(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"a@b.co": true, "a.b+c@example.org": true, "a@b": false, "a@b.": false, "@b.co": false, "a b@c.de": false, strings.Repeat("a", 250) + "@b.co": false} {
		if got := validEmail(s); got != want {
			t.Errorf("validEmail(%q) = %v", s, got)
		}
	}
}

func TestProductSearch(t *testing.T) {
	ta := newTestApp(t)
	r := ta.get("/products?q=lamp")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	mustContain(t, r.body, "<h2>Desk lamp</h2>", "<h2>Floor lamp</h2>", "2 products", `value="lamp"`, `role="search"`, `<label for="q">Search products</label>`, `<p id="no-results" hidden>`)
	mustNotContain(t, r.body, "Office chair")

	r = ta.get("/products?q=quantum")
	mustContain(t, r.body, "0 products", `<p id="no-results">No products match your search.</p>`)
	mustContain(t, ta.get("/products?q=chair").body, "1 product<", "Office chair", "€219.00")
	mustContain(t, ta.get("/products").body, "12 products")

	var list productList
	r = ta.get("/api/products?q=" + url.QueryEscape("  LIGHTING lamp "))
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("api: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Query != "LIGHTING lamp" || list.Count != 2 || list.Products[0].Name != "Desk lamp" || list.Products[1].Name != "Floor lamp" || list.Products[0].Price != "€34.90" {
		t.Fatalf("api result %+v", list)
	}
	r = ta.get("/api/products?q=zzz")
	if !strings.Contains(r.body, `"products":[]`) || !strings.Contains(r.body, `"count":0`) {
		t.Fatalf("empty result is %s", r.body)
	}
	if r := ta.get("/api/products?q=" + strings.Repeat("x", 201)); r.status != http.StatusBadRequest {
		t.Fatalf("long query: %d", r.status)
	}
}

func TestBrokenSettingsPage(t *testing.T) {
	ta := newTestApp(t)
	if r := ta.postJSON("/api/settings", `{}`); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "log in first") {
		t.Fatalf("without login: %d %s", r.status, r.body)
	}
	ta.login()
	page := ta.get("/settings")
	if page.status != http.StatusOK {
		t.Fatalf("settings page: %d", page.status)
	}
	mustContain(t, page.body, "Notification settings", `<label for="weekly-digest">Email me a weekly digest</label>`, "Save settings", `<script src="/static/settings.js" defer></script>`, `id="settings-status" role="status"`)
	mustNotContain(t, page.body, "Settings saved.")

	r := ta.postJSON("/api/settings", `{"weeklyDigest":true,"backInStock":false,"language":"English"}`)
	if r.status != http.StatusInternalServerError || strings.TrimSpace(r.body) != `{"error":"internal error"}` {
		t.Fatalf("save settings: %d %s", r.status, r.body)
	}
	if !strings.Contains(ta.logs.String(), "deliberate demo failure") {
		t.Errorf("the deliberate failure was not logged: %s", ta.logs.String())
	}
	if r := ta.postJSON("/api/settings", `{not json`); r.status != http.StatusBadRequest {
		t.Fatalf("bad JSON: %d", r.status)
	}

	// The script really calls a function that does not exist and never
	// checks the response status; a real browser test in browser_test.go
	// shows the console error.
	js := ta.get("/static/settings.js")
	mustContain(t, js.body, "renderSavedBanner(", "function showStatus(")
	mustNotContain(t, js.body, "function renderSavedBanner", "response.ok")
}

func TestCrossOriginPostsAreRejected(t *testing.T) {
	ta := newTestApp(t)
	req, err := http.NewRequest(http.MethodPost, ta.srv.URL+"/login", strings.NewReader("email=demo%40example.com&password="+DemoPassword))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := ta.do(req); r.status != http.StatusForbidden {
		t.Fatalf("cross-site login post: %d", r.status)
	}
}

func TestPagesAndHeaders(t *testing.T) {
	ta := newTestApp(t)
	home := ta.get("/")
	if home.status != http.StatusOK {
		t.Fatalf("home: %d", home.status)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"Content-Type":           "text/html; charset=utf-8",
	} {
		if got := home.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	mustContain(t, home.body, `<a href="/login">Log in</a>`, `<nav aria-label="Main">`, `<main id="main">`)

	for path, ctype := range map[string]string{
		"/static/app.css":     "text/css; charset=utf-8",
		"/static/products.js": "text/javascript; charset=utf-8",
		"/static/favicon.svg": "image/svg+xml",
		"/favicon.ico":        "image/svg+xml",
		"/healthz":            "text/plain; charset=utf-8",
	} {
		r := ta.get(path)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q", path, r.status, r.header.Get("Content-Type"))
		}
	}
	nf := ta.get("/no/such/page")
	if nf.status != http.StatusNotFound {
		t.Fatalf("missing page: %d", nf.status)
	}
	mustContain(t, nf.body, "Page not found")
	req, _ := http.NewRequest(http.MethodDelete, ta.srv.URL+"/login", nil)
	if r := ta.do(req); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE /login: %d", r.status)
	}
	if r := ta.post("/login", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("empty login form: %d", r.status)
	}
	big := url.Values{"email": {strings.Repeat("x", maxBody)}}
	if r := ta.post("/login", big); r.status != http.StatusBadRequest {
		t.Fatalf("oversized form: %d", r.status)
	}
}

func TestSessionExpiry(t *testing.T) {
	st, err := newStore(bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	live := st.newSession(1, time.Hour)
	dead := st.newSession(1, -time.Second)
	if id, ok := st.sessionUser(live); !ok || id != 1 {
		t.Fatal("live session not found")
	}
	if _, ok := st.sessionUser(dead); ok {
		t.Fatal("expired session accepted")
	}
	if len(st.sessions) != 1 {
		t.Fatalf("expired session kept: %d sessions", len(st.sessions))
	}
	if _, ok := st.sessionUser("forged"); ok {
		t.Fatal("unknown token accepted")
	}
}

func TestConcurrentUse(t *testing.T) {
	ta := newTestApp(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 10 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			c := newClient(t)
			email := "user" + string(rune('a'+i)) + "@example.com"
			resp, err := c.PostForm(ta.srv.URL+"/signup", url.Values{"name": {"U"}, "email": {email}, "password": {"password1"}, "confirm": {"password1"}})
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				errs <- errors.New("signup " + email + ": " + resp.Status)
			}
		}()
		go func() {
			defer wg.Done()
			c := newClient(t)
			resp, err := c.Get(ta.srv.URL + "/api/products?q=desk")
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConfig(t *testing.T) {
	if _, err := New(Config{BcryptCost: 99}); err == nil || !strings.Contains(err.Error(), "BcryptCost 99") {
		t.Errorf("bad cost: %v", err)
	}
	if _, err := New(Config{BcryptCost: bcrypt.MinCost, SessionTTL: time.Second}); err == nil {
		t.Error("tiny SessionTTL accepted")
	}
	d := Config{}.WithDefaults()
	if d.BcryptCost != bcrypt.DefaultCost || d.SessionTTL != 24*time.Hour || d.Logger == nil {
		t.Errorf("defaults: %+v", d)
	}
}

func TestStartListensOnLoopbackOnly(t *testing.T) {
	ctx := context.Background()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:80", "[::]:0", "example.com:80", "nonsense"} {
		if s, err := Start(ctx, ServerConfig{Addr: addr, App: Config{BcryptCost: bcrypt.MinCost}}); err == nil {
			_ = s.Shutdown(ctx)
			t.Errorf("Start(%q) succeeded", addr)
		}
	}
	for _, addr := range []string{"", "127.0.0.1:0", "localhost:0"} {
		s, err := Start(ctx, ServerConfig{Addr: addr, App: Config{BcryptCost: bcrypt.MinCost}})
		if err != nil {
			t.Fatalf("Start(%q): %v", addr, err)
		}
		if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
			t.Errorf("URL %q", s.URL())
		}
		resp, err := http.Get(s.URL() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("healthz: %d", resp.StatusCode)
		}
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := s.Shutdown(sctx); err != nil {
			t.Error(err)
		}
		if err := s.Shutdown(sctx); err != nil {
			t.Errorf("second Shutdown: %v", err)
		}
		cancel()
		select {
		case <-s.done:
		default:
			t.Error("Serve still running after Shutdown")
		}
	}
}
