package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
	"github.com/argusqa/argus/web"
)

func TestLoginSetsTheAPISessionCookie(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client()
	res := c.post("/login", url.Values{"email": {"ada@example.com"}, "password": {password}, "next": {"/settings/keys"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/keys" {
		t.Fatalf("login: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	raw := res.Header.Get("Set-Cookie")
	for _, want := range []string{"argus_session=", "Path=/", "Max-Age=604800", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(raw, want) {
			t.Errorf("Set-Cookie %q lacks %q", raw, want)
		}
	}
	if strings.Contains(raw, "Secure") {
		t.Errorf("cookie is Secure on an http PublicURL: %q", raw)
	}
	// The cookie is a store session: the API server resolves it the same way.
	sess, err := e.st.LookupSession(e.ctx, c.cookie().Value)
	if err != nil || sess.UserID != e.admin.ID || sess.TenantID != e.tenant.ID || sess.Role != store.RoleAdmin {
		t.Fatalf("LookupSession: %+v, %v", sess, err)
	}
	// And a session made elsewhere (the API's login) works here.
	api, err := e.st.CreateSession(e.ctx, e.member.ID, e.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.url+"/projects", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: api.Token})
	if r := e.client().do(req); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Max Member") {
		t.Fatalf("API session on the UI: %d", r.StatusCode)
	}

	bad := e.client().post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong password!"}})
	if bad.StatusCode != http.StatusUnauthorized || !strings.Contains(bad.Body, "do not match") {
		t.Fatalf("wrong password: %d", bad.StatusCode)
	}
	// Signed out, a page sends you to the login and back.
	if r := e.client().get("/projects?x=1"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Fprojects%3Fx%3D1" {
		t.Fatalf("signed out: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	// An open redirect through next is refused.
	c2 := e.client()
	if r := c2.post("/login", url.Values{"email": {"ada@example.com"}, "password": {password}, "next": {"//evil.example/"}}); r.Header.Get("Location") != "/projects" {
		t.Fatalf("next=//evil.example → %q", r.Header.Get("Location"))
	}
}

func TestSecureCookieOnHTTPS(t *testing.T) {
	e := newEnv(t, envOptions{publicURL: "https://argus.example.com"})
	res := e.client().post("/login", url.Values{"email": {"ada@example.com"}, "password": {password}})
	if raw := res.Header.Get("Set-Cookie"); res.StatusCode != http.StatusSeeOther || !strings.Contains(raw, "; Secure") {
		t.Fatalf("login behind https: %d, Set-Cookie %q", res.StatusCode, raw)
	}
}

func TestNewChecksConfig(t *testing.T) {
	if _, err := web.New(web.Config{}); err == nil || !strings.Contains(err.Error(), "App") {
		t.Errorf("New without an App: %v", err)
	}
	_, err := app.New(app.Config{PublicURL: "ftp://x"})
	for _, want := range []string{"Store", "Scheduler", "Blobs", "Hub", "PublicURL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("app.New with an empty config: %v, want a word on %s", err, want)
		}
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login("ada@example.com")
	token := c.cookie().Value
	res := c.post("/logout", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, err := e.st.LookupSession(e.ctx, token); err == nil {
		t.Fatal("session still valid in the store after logout")
	}
	req, _ := http.NewRequest(http.MethodGet, e.url+"/projects", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
	if r := e.client().do(req); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("old cookie after logout: %d", r.StatusCode)
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login("ada@example.com")
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		res := c.post("/projects", url.Values{"name": {"Evil"}, "base_url": {"https://evil.example"}}, h...)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "Cross-origin request refused") {
			t.Errorf("%v: status %d", h, res.StatusCode)
		}
	}
	ps, err := e.st.ListProjects(e.ctx, e.tenant.ID)
	if err != nil || len(ps) != 0 {
		t.Fatalf("a cross-origin POST created a project: %v %v", ps, err)
	}
	// The same form from the UI's own origin works.
	if res := c.post("/projects", url.Values{"name": {"Shop"}, "base_url": {"https://shop.example"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d %s", res.StatusCode, res.Body)
	}
	// Logout is a cookie-authenticated write too.
	if res := c.post("/logout", nil, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site logout: %d", res.StatusCode)
	}
}

func TestMemberCannotReachAdminPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	m := e.login("max@example.com")
	for _, path := range []string{"/settings/keys", "/settings/members", "/settings/tenant", "/settings/tenant/export", "/projects/" + p.ID.String() + "/deliveries"} {
		if res := m.get(path); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "Admins only") {
			t.Errorf("GET %s as member: %d", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/settings/keys", "/settings/members", "/settings/tenant/delete", "/projects/" + p.ID.String() + "/secrets",
		"/projects/" + p.ID.String() + "/webhook/rotate", "/projects/" + p.ID.String() + "/delete"} {
		if res := m.post(path, url.Values{"name": {"x"}, "value": {"y"}, "confirm": {e.tenant.Slug}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as member: %d", path, res.StatusCode)
		}
	}
	if _, err := e.st.GetTenant(e.ctx, e.tenant.ID); err != nil {
		t.Fatal("tenant gone after a member's delete attempt")
	}
	// Members do see the project, its tests and its general settings, but
	// not the admin sections.
	res := m.get("/projects/" + p.ID.String() + "/settings")
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "Signing secret") || strings.Contains(res.Body, `id="secrets"`) {
		t.Fatalf("member settings page: %d, admin sections shown: %v", res.StatusCode, strings.Contains(res.Body, "Signing secret"))
	}
	if strings.Contains(m.get("/projects").Body, "/settings/keys") {
		t.Error("member navigation links to admin pages")
	}
}

func TestTestEditorValidatesWithTheStepParser(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	bad := `click Sign in`
	_, perr := suite.ParseStep(bad)
	if perr == nil {
		t.Fatal("the step parser accepts the bad step; pick another")
	}
	res := c.post("/projects/"+p.ID.String()+"/tests", url.Values{"name": {"Log in"}, "url": {"ftp://x"}, "steps": {"click \"Sign in\"\n" + bad}, "checkpoints": {"logged in"}, "timeout": {"-3"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid test: %d", res.StatusCode)
	}
	for _, want := range []string{"line 2: " + htmlEscape(perr.Error()), htmlEscape(suite.CheckURL("ftp://x").Error()), "Checkpoints are judged by the model pursuing the goal", "outside the allowed range", `id="t-steps" name="steps" rows="8" class="mono" spellcheck="false" aria-describedby="t-steps-err" aria-invalid="true"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// What was typed stays in the form.
	if !strings.Contains(res.Body, "click Sign in</textarea>") {
		t.Error("the typed steps were lost")
	}
	res = c.post("/projects/"+p.ID.String()+"/tests", url.Values{"name": {"Log in"}, "url": {"/login"}, "goal": {"Log in as the demo user"},
		"steps": {`click   "Sign in"`}, "tags": {"smoke, auth"}, "timeout": {"120"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid test: %d %s", res.StatusCode, res.Body)
	}
	tests, _, err := e.st.ListTests(e.ctx, e.tenant.ID, store.TestFilter{Search: "Log in"})
	if err != nil || len(tests) != 1 {
		t.Fatalf("ListTests: %v %v", tests, err)
	}
	got := tests[0]
	if got.Steps[0] != `click "Sign in"` || len(got.Tags) != 2 || got.Timeout != 2*time.Minute || got.StartURL != "/login" {
		t.Fatalf("stored test: %+v", got)
	}
	// Search and tag filter on the list.
	list := c.get("/projects/" + p.ID.String() + "/tests?tag=auth")
	if !strings.Contains(list.Body, "Log in") || strings.Contains(list.Body, ">Checkout<") {
		t.Errorf("tag filter: %s", list.Body)
	}
	list = c.get("/projects/" + p.ID.String() + "/tests?q=checkou")
	if strings.Contains(list.Body, ">Log in<") || !strings.Contains(list.Body, ">Checkout<") {
		t.Errorf("search: wrong tests listed")
	}
}

func htmlEscape(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")
	return r.Replace(s)
}

func TestRunButtonIsIdempotent(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, tt := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	form := url.Values{"nonce": {"n-123"}}
	first := c.post("/tests/"+tt.ID.String()+"/run", form)
	second := c.post("/tests/"+tt.ID.String()+"/run", form)
	if first.StatusCode != http.StatusSeeOther || first.Header.Get("Location") != second.Header.Get("Location") || !strings.HasPrefix(first.Header.Get("Location"), "/runs/") {
		t.Fatalf("double submit: %q then %q", first.Header.Get("Location"), second.Header.Get("Location"))
	}
	if n := e.sched.enqueueCount(); n != 1 {
		t.Fatalf("a double submit enqueued %d runs", n)
	}
	third := c.post("/tests/"+tt.ID.String()+"/run", url.Values{"nonce": {"n-456"}})
	if third.Header.Get("Location") == first.Header.Get("Location") || e.sched.enqueueCount() != 2 {
		t.Fatal("a new form did not start a new run")
	}
}

func TestOtherTenantsRowsAreNotFound(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	run, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "look", "click", "ok", pngBytes())

	eve := e.otherTenantAdmin()
	for _, path := range []string{"/projects/" + p.ID.String(), "/projects/" + p.ID.String() + "/tests", "/projects/" + p.ID.String() + "/health/live",
		"/projects/" + p.ID.String() + "/settings", "/tests/" + tt.ID.String(),
		"/runs/" + run.ID.String(), "/agents/" + agents[0].ID.String(), "/agents/" + agents[0].ID.String() + "/screenshots/1/1",
		"/runs/" + run.ID.String() + "/live", "/runs/not-a-uuid"} {
		if res := eve.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s from another tenant: %d", path, res.StatusCode)
		}
	}
	if res := eve.post("/tests/"+tt.ID.String()+"/run", url.Values{"nonce": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("run another tenant's test: %d", res.StatusCode)
	}
	// The owner gets the screenshot.
	res := e.login("max@example.com").get("/agents/" + agents[0].ID.String() + "/screenshots/1/1")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || res.Body != string(pngBytes()) {
		t.Fatalf("own screenshot: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

const xss = `<img src=x onerror=alert(1)>`

// TestUserTextRendersInert puts markup into every user-supplied field and
// checks that every page showing it shows it as text.
func TestUserTextRendersInert(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, err := e.st.CreateProject(e.ctx, e.tenant.ID, store.ProjectInput{Name: xss, BaseURL: "http://app.test"})
	if err != nil {
		t.Fatal(err)
	}
	tt, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: xss, Goal: xss, Tags: []string{xss}, Checkpoints: []string{xss}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PutSecret(e.ctx, e.tenant.ID, p.ID, "pw", "s3cr3t-value-never-shown"); err != nil {
		t.Fatal(err)
	}
	run, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, xss, xss, xss, pngBytes())
	w.finish(store.StatusFailed, xss, "")
	e.user("x@example.com", xss, store.RoleMember)
	code, latency := 502, 31
	if _, err := e.st.RecordDelivery(e.ctx, e.tenant.ID, store.WebhookDelivery{ProjectID: p.ID, EventID: xss, EventType: xss, URL: "https://ci.example.com/hook",
		Payload: []byte(`{}`), Attempt: 1, StatusCode: &code, LatencyMS: &latency, ResponseExcerpt: xss, Error: xss}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateAPIKey(e.ctx, e.tenant.ID, store.NewAPIKey{Name: xss}); err != nil {
		t.Fatal(err)
	}
	c := e.login("ada@example.com")
	pages := []string{"/projects", "/projects/" + p.ID.String(), "/projects/" + p.ID.String() + "/settings", "/projects/" + p.ID.String() + "/runs",
		"/tests/" + tt.ID.String(), "/runs/" + run.ID.String(), "/agents/" + agents[0].ID.String(), "/settings/members", "/settings/keys",
		"/projects/" + p.ID.String() + "/deliveries"}
	for _, path := range pages {
		res := c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
			continue
		}
		if strings.Contains(res.Body, "<img src=x") || strings.Contains(res.Body, "onerror=alert(1)>") {
			t.Errorf("%s renders the markup live", path)
		}
		if !strings.Contains(res.Body, "&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("%s does not show the name as text", path)
		}
		if strings.Contains(res.Body, "s3cr3t-value-never-shown") {
			t.Errorf("%s shows a secret value", path)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	// The live stream's step fragments are escaped by the same templates.
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url+"/agents/"+agents[0].ID.String()+"/live", nil)
	res := c.do(req) // the agent is finished, so the stream ends by itself
	if !strings.Contains(res.Body, "event: step") || !strings.Contains(res.Body, "event: end") {
		t.Fatalf("agent stream: %q", res.Body)
	}
	if strings.Contains(res.Body, "<img src=x") || !strings.Contains(res.Body, `\u0026lt;img src=x onerror=alert(1)\u0026gt;`) {
		t.Errorf("stream step HTML not escaped: %s", res.Body)
	}
}

func TestPasswordResetByMail(t *testing.T) {
	e := newEnv(t, envOptions{mailer: true})
	res := e.client().post("/forgot-password", url.Values{"email": {"max@example.com"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "reset link is on its way") {
		t.Fatalf("forgot: %d", res.StatusCode)
	}
	// Unknown addresses get the same answer and no mail.
	before := e.mails.last()
	if r := e.client().post("/forgot-password", url.Values{"email": {"nobody@example.com"}}); !strings.Contains(r.Body, "reset link is on its way") || e.mails.last() != before {
		t.Fatal("unknown address answered differently or mailed")
	}
	body := e.mails.last()
	i := strings.Index(body, e.url+"/reset-password?token=")
	if i < 0 {
		t.Fatalf("mail without link: %q", body)
	}
	link, _, _ := strings.Cut(body[i:], "\n")
	lu, _ := url.Parse(link)
	c := e.client()
	if r := c.get(lu.RequestURI()); r.StatusCode != http.StatusOK || r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("reset page: %d", r.StatusCode)
	}
	tok := lu.Query().Get("token")
	if r := c.post("/reset-password", url.Values{"token": {tok}, "password": {"short"}, "confirm": {"short"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("short password: %d", r.StatusCode)
	}
	if r := c.post("/reset-password", url.Values{"token": {tok}, "password": {"a brand new password"}, "confirm": {"a brand new password"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.StatusCode, r.Body)
	}
	if r := c.post("/reset-password", url.Values{"token": {tok}, "password": {"another new password"}, "confirm": {"another new password"}}); !strings.Contains(r.Body, "already used") {
		t.Fatal("a reset token worked twice")
	}
	if r := e.client().post("/login", url.Values{"email": {"max@example.com"}, "password": {"a brand new password"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", r.StatusCode)
	}
}

func TestNoMailerTellsToAskAnAdmin(t *testing.T) {
	e := newEnv(t, envOptions{})
	if r := e.client().get("/forgot-password"); !strings.Contains(r.Body, "Ask an admin") {
		t.Fatalf("forgot page without mail: %s", r.Body)
	}
	// The admin makes the link on the members page, shown once.
	c := e.login("ada@example.com")
	r := c.post("/settings/members/"+e.member.ID.String()+"/reset-link", nil)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, e.url+"/reset-password?token=") {
		t.Fatalf("reset link for a member: %d", r.StatusCode)
	}
}

func TestInviteMemberRoleAndRemove(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login("ada@example.com")
	r := c.post("/settings/members", url.Values{"email": {"new@example.com"}, "name": {"Nia New"}, "role": {"member"}})
	if r.StatusCode != http.StatusCreated || !strings.Contains(r.Body, "/reset-password?token=") {
		t.Fatalf("invite: %d", r.StatusCode)
	}
	u, err := e.st.FindUserByEmail(e.ctx, "new@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.post("/settings/members/"+u.ID.String()+"/role", url.Values{"role": {"admin"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("role: %d", r.StatusCode)
	}
	if role, _ := e.st.Membership(e.ctx, e.tenant.ID, u.ID); role != store.RoleAdmin {
		t.Fatalf("role now %s", role)
	}
	if r := c.post("/settings/members/"+u.ID.String()+"/remove", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if _, err := e.st.Membership(e.ctx, e.tenant.ID, u.ID); err == nil {
		t.Fatal("still a member")
	}
	// The last admin cannot demote themself.
	if r := c.post("/settings/members/"+e.admin.ID.String()+"/role", url.Values{"role": {"member"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("demote last admin: %d", r.StatusCode)
	}
}

func TestSettingsSecretsAndWebhookSecret(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("ada@example.com")
	base := "/projects/" + p.ID.String()
	if r := c.post(base+"/secrets", url.Values{"name": {"demo_password"}, "value": {"hunter2-hunter2"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("put secret: %d %s", r.StatusCode, r.Body)
	}
	vals, err := e.st.SecretValues(e.ctx, e.tenant.ID, p.ID)
	if err != nil || vals["demo_password"] != "hunter2-hunter2" {
		t.Fatalf("secret stored: %v %v", vals, err)
	}
	page := c.get(base + "/settings")
	if !strings.Contains(page.Body, "demo_password") || strings.Contains(page.Body, "hunter2") {
		t.Fatal("settings page lists the name / shows the value wrongly")
	}
	if r := c.post(base+"/secrets", url.Values{"name": {"bad name"}, "value": {"x"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad secret name: %d", r.StatusCode)
	}
	r := c.post(base+"/webhook/rotate", nil)
	secret, err := e.st.WebhookSecret(e.ctx, e.tenant.ID, p.ID)
	// The secret is standard base64: html/template writes its + as &#43;.
	if err != nil || !strings.Contains(html.UnescapeString(r.Body), secret) {
		t.Fatalf("rotate: the new secret is not shown once (%v)", err)
	}
	if again := c.get(base + "/settings"); strings.Contains(html.UnescapeString(again.Body), secret) {
		t.Fatal("the webhook secret is shown again")
	}
	if r := c.post(base+"/webhook", url.Values{"webhook_url": {"https://ci.example.com/hook"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("webhook: %d %s", r.StatusCode, r.Body)
	}
	if got, _ := e.st.GetProject(e.ctx, e.tenant.ID, p.ID); got.WebhookURL != "https://ci.example.com/hook" {
		t.Fatalf("webhook saved: %q", got.WebhookURL)
	}
	if r := c.post(base+"/secrets/demo_password/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete secret: %d", r.StatusCode)
	}
	if ss, _ := e.st.ListSecrets(e.ctx, e.tenant.ID, p.ID); len(ss) != 0 {
		t.Fatal("secret not deleted")
	}
}

func TestTenantExportAndDelete(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	_, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "look", "click", "ok", pngBytes())
	if _, err := e.st.PutSecret(e.ctx, e.tenant.ID, p.ID, "pw", "never-exported"); err != nil {
		t.Fatal(err)
	}
	c := e.login("ada@example.com")
	r := c.get("/settings/tenant/export")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d", r.StatusCode)
	}
	for _, want := range []string{`"format":"argus-tenant-export/1"`, `"secrets":[{"name":"pw"`, `"Checkout"`, `"ada@example.com"`, `"action":"click"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("export lacks %s", want)
		}
	}
	if strings.Contains(r.Body, "never-exported") {
		t.Error("export contains a secret value")
	}
	if r := c.post("/settings/tenant/delete", url.Values{"confirm": {"wrong"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("delete without confirmation: %d", r.StatusCode)
	}
	if r := c.post("/settings/tenant/delete", url.Values{"confirm": {e.tenant.Slug}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if _, err := e.st.GetTenant(e.ctx, e.tenant.ID); err == nil {
		t.Fatal("tenant still there")
	}
	if _, err := e.blobs.Get(e.ctx, storage.ScreenshotKey(e.tenant.ID.String(), agents[0].ID.String(), 1, 1)); err == nil {
		t.Fatal("screenshots of a deleted tenant remain")
	}
}

func TestAPIKeysCreateOnceAndRevoke(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login("ada@example.com")
	r := c.post("/settings/keys", url.Values{"name": {"CI"}, "expires_in_days": {"30"}, "role": {"member"}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create key: %d", r.StatusCode)
	}
	i := strings.Index(r.Body, `<code id="new-key" class="secret">`)
	if i < 0 {
		t.Fatal("key not shown")
	}
	plain, _, _ := strings.Cut(r.Body[i+len(`<code id="new-key" class="secret">`):], "<")
	k, err := e.st.LookupAPIKey(e.ctx, plain)
	if err != nil || k.Name != "CI" || k.ExpiresAt == nil {
		t.Fatalf("shown key does not work: %v", err)
	}
	if strings.Contains(c.get("/settings/keys").Body, plain) {
		t.Fatal("key shown twice")
	}
	if r := c.post(fmt.Sprintf("/settings/keys/%s/revoke", k.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if _, err := e.st.LookupAPIKey(e.ctx, plain); err == nil {
		t.Fatal("revoked key still works")
	}
}

func TestStaticAssetsAreCached(t *testing.T) {
	e := newEnv(t, envOptions{})
	page := e.client().get("/login")
	i := strings.Index(page.Body, "/static/app.css?v=")
	if i < 0 {
		t.Fatal("no versioned stylesheet link")
	}
	href, _, _ := strings.Cut(page.Body[i:], `"`)
	r := e.client().get(href)
	if r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset: %d %q %q", r.StatusCode, r.Header.Get("Cache-Control"), r.Header.Get("Content-Type"))
	}
	if r := e.client().get("/static/nope.js"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("missing asset: %d", r.StatusCode)
	}
	if r := e.client().get("/no/such/page"); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "Page not found") {
		t.Fatalf("unknown page: %d", r.StatusCode)
	}
}

// pngBytes is a valid 1×1 PNG.
func pngBytes() []byte {
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
}

func TestLoginAttemptsAreLimited(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.client()
	for i := 0; i < 10; i++ {
		if r := c.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong password!"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.StatusCode)
		}
	}
	// Even the right password is refused now, for this address and email.
	if r := c.post("/login", url.Values{"email": {"ada@example.com"}, "password": {password}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: %d", r.StatusCode)
	}
	// Another account is not locked by it.
	if r := c.post("/login", url.Values{"email": {"max@example.com"}, "password": {password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("other account: %d", r.StatusCode)
	}
}
