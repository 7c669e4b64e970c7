package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/argusqa/argus/store"
)

// The UI and the API are two doors onto one application layer: they
// must apply the same rules. These tests go through both doors of one
// server.

// apiCall sends a JSON request to the API with the client's session
// cookie, as the UI's own scripts would.
func (c *client) api(method, path string, body any) response {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func TestOneSignInLimitForBothDoors(t *testing.T) {
	e := newEnv(t, envOptions{})
	ui, api := e.client(), e.client()
	for i := range 5 {
		if r := ui.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong password!"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("UI attempt %d: %d", i+1, r.StatusCode)
		}
		if r := api.api("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "wrong password!"}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("API attempt %d: %d %s", i+1, r.StatusCode, r.Body)
		}
	}
	// Ten failures in all, five at each door: both are closed now, even
	// to the right password.
	r := api.api("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": password})
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if r.StatusCode != http.StatusTooManyRequests || err != nil || retry < 1 || retry > 15*60+1 {
		t.Fatalf("API after ten failures: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	r = ui.post("/login", url.Values{"email": {"ada@example.com"}, "password": {password}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("UI after ten failures: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

func TestMetadataBaseURLRefusedByBothDoors(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.login("ada@example.com")
	for _, base := range []string{"http://169.254.169.254/latest/meta-data/", "http://metadata.example.com/", "http://127.0.0.1:8080/"} {
		r := c.api("POST", "/api/v1/projects", map[string]string{"name": "Meta", "base_url": base})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"base_url"`) {
			t.Errorf("API, %s: %d %s", base, r.StatusCode, r.Body)
		}
		r = c.post("/projects", url.Values{"name": {"Meta"}, "base_url": {base}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `aria-invalid="true"`) || !strings.Contains(r.Body, "address") {
			t.Errorf("UI, %s: %d", base, r.StatusCode)
		}
	}
	p, _ := e.seedProject("Shop", "Checkout")
	r := c.post("/projects/"+p.ID.String()+"/settings", url.Values{"name": {"Shop"}, "base_url": {"http://app.test"}, "allowed_origins": {"http://169.254.169.254"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "cloud metadata address") {
		t.Errorf("UI, metadata origin: %d", r.StatusCode)
	}
	if ps, _ := e.st.ListProjects(e.ctx, e.tenant.ID); len(ps) != 1 {
		t.Errorf("%d projects stored, want only the seeded one", len(ps))
	}
}

// A project saved before the target policy (or under a laxer one) gets no
// run through either door.
func TestRunOfARefusedProjectIsRefused(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Old", "Checkout")
	if _, err := e.st.UpdateProject(e.ctx, e.tenant.ID, p.ID, store.ProjectInput{Name: p.Name, BaseURL: "http://169.254.169.254/"}); err != nil {
		t.Fatal(err)
	}
	c := e.login("ada@example.com")
	r := c.api("POST", "/api/v1/projects/"+p.ID.String()+"/runs", map[string]any{})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "target policy") {
		t.Errorf("API: %d %s", r.StatusCode, r.Body)
	}
	r = c.post("/tests/"+tt.ID.String()+"/run", url.Values{"nonce": {"n1"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "target policy") {
		t.Errorf("UI: %d", r.StatusCode)
	}
	if n := e.sched.enqueueCount(); n != 0 {
		t.Errorf("%d runs queued", n)
	}
}

func TestExportIsTheSameThroughBothDoors(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	_, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "look", "click", "ok", pngBytes())
	w.finish(store.StatusPassed, "fine", "")
	c := e.login("ada@example.com")
	fromUI := c.get("/settings/tenant/export")
	fromAPI := c.api("GET", "/api/v1/tenant/export", nil)
	if fromUI.StatusCode != http.StatusOK || fromAPI.StatusCode != http.StatusOK {
		t.Fatalf("export: UI %d, API %d", fromUI.StatusCode, fromAPI.StatusCode)
	}
	// The moment of the export is the only difference.
	at := regexp.MustCompile(`"exported_at":"[^"]+"`)
	ui, api := at.ReplaceAllString(fromUI.Body, ""), at.ReplaceAllString(fromAPI.Body, "")
	if ui != api {
		t.Fatalf("the UI's export differs from the API's:\nUI:  %.400s\nAPI: %.400s", ui, api)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(fromUI.Body), &doc); err != nil || doc["format"] != "argus-tenant-export/1" {
		t.Fatalf("export is not the documented format: %v", err)
	}
	for _, leak := range []string{"JobID", "IdempotencyKey", "job_id", "idempotency_key", "TenantID"} {
		if strings.Contains(fromUI.Body, leak) {
			t.Errorf("the export shows %s", leak)
		}
	}
}
