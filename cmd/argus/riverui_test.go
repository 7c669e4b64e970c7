package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// River's UI at /admin/river shows every tenant's jobs, so only the
// administrators of the operator's tenant (here the first one created)
// reach it: they see the page and the queued agent job through its API;
// an admin of another tenant and a member of the operator's tenant get
// the 403 page, and a visitor who is not signed in is sent to sign in.
func TestRiverUIForOperatorsOnly(t *testing.T) {
	vars := serveVars(t)
	for _, tenant := range []string{"Ops", "Acme"} {
		if r := argus(t, vars, "", "admin", "create-tenant", "--name", tenant); r.code != 0 {
			t.Fatalf("create-tenant %s: %+v", tenant, r)
		}
	}
	users := []struct{ tenant, email, role string }{
		{"ops", "root@ops.example", "admin"}, {"ops", "viewer@ops.example", "member"}, {"acme", "boss@acme.example", "admin"},
	}
	for _, u := range users {
		if r := argus(t, vars, "a long enough password\n", "admin", "create-user", "--tenant", u.tenant, "--email", u.email, "--role", u.role, "--password-stdin"); r.code != 0 {
			t.Fatalf("create-user %s: %+v", u.email, r)
		}
	}
	url, _ := startServe(t, vars)
	operator := signedIn(t, url, "root@ops.example", "a long enough password")

	// A run queues an agent job (no worker runs it here).
	post := func(path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", url)
		resp, err := operator.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
		}
		return out
	}
	project := post("/api/v1/projects", `{"name":"Shop","base_url":"http://127.0.0.1:9"}`)["id"].(string)
	post("/api/v1/projects/"+project+"/tests", `{"name":"Home","steps":["expect url \"/\""]}`)
	post("/api/v1/projects/"+project+"/runs", `{}`)

	page := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := page(operator, "/admin/river/"); code != 200 || !strings.Contains(body, "<title>River</title>") || !strings.Contains(body, `/admin/river/assets/`) {
		t.Fatalf("the operator's River UI: %d\n%s", code, body)
	}
	code, body := page(operator, "/admin/river/api/jobs?state=available")
	var jobs struct {
		Data []struct {
			Kind  string `json:"kind"`
			Queue string `json:"queue"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &jobs); code != 200 || err != nil || len(jobs.Data) != 1 || jobs.Data[0].Queue != "agents" {
		t.Fatalf("the operator's job list: %d %v\n%s", code, err, body)
	}

	for _, email := range []string{"boss@acme.example", "viewer@ops.example"} {
		c := signedIn(t, url, email, "a long enough password")
		for _, path := range []string{"/admin/river/", "/admin/river/api/jobs?state=available"} {
			if code, body := page(c, path); code != http.StatusForbidden || strings.Contains(body, `"kind"`) {
				t.Errorf("%s GET %s: %d, want 403\n%s", email, path, code, body)
			}
		}
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := anon.Get(url + "/admin/river/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("GET /admin/river/ signed out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
