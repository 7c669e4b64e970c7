package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

type runOut struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Agents []struct {
		ID       string `json:"id"`
		TestName string `json:"test_name"`
		Status   string `json:"status"`
	} `json:"agents"`
	Links struct{ UI, API string } `json:"links"`
}

func TestRunLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	ci := key(a.memberKey)
	proj := "/api/v1/projects/" + a.project.ID.String()

	// Sync test files: one new test, the existing one changed.
	files := map[string]any{"files": []any{
		map[string]any{"path": "suite/login.yaml", "content": "name: Log in\nurl: /login\ntags: [smoke, auth]\nsteps:\n  - click \"Sign in\"\n  - expect text \"Welcome\"\n"},
		map[string]any{"path": "suite/checkout.yaml", "content": "name: Checkout\ngoal: buy two things\ntags: [smoke]\n"},
	}}
	r := e.do("POST", proj+"/test-files", ci, files)
	if r.status != 200 {
		t.Fatalf("test-files: %d %s", r.status, r.body)
	}
	var synced struct {
		Tests []struct{ ID, Name, Change string }
	}
	r.json(t, &synced)
	if len(synced.Tests) != 2 || synced.Tests[0].Change != "created" || synced.Tests[1].Change != "updated" || synced.Tests[1].ID != a.test.ID.String() {
		t.Fatalf("first sync: %s", r.body)
	}
	r = e.do("POST", proj+"/test-files", ci, files)
	if !strings.Contains(string(r.body), `"change":"unchanged"`) || strings.Contains(string(r.body), `"created"`) || strings.Contains(string(r.body), `"updated"`) {
		t.Fatalf("second sync should change nothing: %s", r.body)
	}
	r = e.do("GET", proj+"/tests?q=log&tag=auth", ci, nil)
	if !strings.Contains(string(r.body), `"name":"Log in"`) || strings.Contains(string(r.body), `"name":"Checkout"`) {
		t.Fatalf("search: %s", r.body)
	}

	// Start a run by tag, with an idempotency key.
	body := map[string]any{"tags": []string{"smoke"}, "commit_sha": "abc123", "branch": "main"}
	r = e.do("POST", proj+"/runs", ci, body, "Idempotency-Key", "ci-build-42")
	if r.status != 201 {
		t.Fatalf("create run: %d %s", r.status, r.body)
	}
	var run runOut
	r.json(t, &run)
	if len(run.Agents) != 2 || run.Agents[0].TestName != "Checkout" || run.Links.API != "http://localhost:8080/api/v1/runs/"+run.ID {
		t.Fatalf("run: %s", r.body)
	}
	if enq, _ := e.sched.counts(); enq != 2 {
		t.Fatalf("scheduler got %d agents, want 2", enq)
	}
	// The retry gets the same run and enqueues nothing.
	r = e.do("POST", proj+"/runs", ci, `{"branch":"main","commit_sha":"abc123","tags":["smoke"]}`, "Idempotency-Key", "ci-build-42")
	var again runOut
	r.json(t, &again)
	if r.status != 200 || again.ID != run.ID || len(again.Agents) != 2 {
		t.Fatalf("retry: %d %s", r.status, r.body)
	}
	if enq, _ := e.sched.counts(); enq != 2 {
		t.Fatalf("a retry enqueued again (%d)", enq)
	}
	if r := e.do("POST", proj+"/runs", ci, map[string]any{"tags": []string{"auth"}}, "Idempotency-Key", "ci-build-42"); r.status != 409 || !isProblem(r) {
		t.Fatalf("same key, other body: %d %s", r.status, r.body)
	}
	if r := e.do("POST", proj+"/runs", ci, map[string]any{"names": []string{"Nope"}}); r.status != 400 || !strings.Contains(string(r.body), `"field":"names[0]"`) {
		t.Fatalf("unknown name: %d %s", r.status, r.body)
	}
	if r := e.do("POST", proj+"/runs", ci, map[string]any{"tags": []string{"nothing-has-this"}}); r.status != 400 {
		t.Fatalf("tag matching nothing: %d %s", r.status, r.body)
	}

	// Cancel one agent, then the run.
	r = e.do("POST", "/api/v1/agents/"+run.Agents[0].ID+"/cancel", ci, nil)
	if r.status != 202 || !strings.Contains(string(r.body), `"status":"cancelled"`) {
		t.Fatalf("cancel agent: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/agents/"+run.Agents[0].ID+"/cancel", ci, nil); r.status != 409 {
		t.Fatalf("cancel twice: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/runs/"+run.ID+"/cancel", ci, nil)
	var cancelled runOut
	r.json(t, &cancelled)
	if r.status != 202 || cancelled.Status != "cancelled" || cancelled.Agents[1].Status != "cancelled" {
		t.Fatalf("cancel run: %d %s", r.status, r.body)
	}
	if _, n := e.sched.counts(); n != 2 {
		t.Fatalf("scheduler cancelled %d jobs, want 2", n)
	}
	r = e.do("GET", proj+"/runs", ci, nil)
	if !strings.Contains(string(r.body), run.ID) || !strings.Contains(string(r.body), `"next_cursor":null`) {
		t.Fatalf("run list: %s", r.body)
	}
	r = e.do("GET", "/api/v1/agents/"+a.agent.ID.String()+"/steps", ci, nil)
	if !strings.Contains(string(r.body), `"screenshot_url":"http://localhost:8080/api/v1/agents/`+a.agent.ID.String()+`/steps/0/screenshot?attempt=1"`) {
		t.Fatalf("steps: %s", r.body)
	}
}

func TestKeysMembersSecrets(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.App.APIKeyCacheTTL = 0 }) // the default cache, on purpose
	a := e.world("acme")
	admin := key(a.adminKey)

	r := e.do("POST", "/api/v1/api-keys", admin, map[string]any{"name": "deploy", "expires_in_days": 30})
	var k struct{ ID, Key, Prefix string }
	r.json(t, &k)
	if r.status != 201 || !strings.HasPrefix(k.Key, k.Prefix) || !strings.Contains(string(r.body), `"expires_at":"`) {
		t.Fatalf("create key: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/me", cred{bearer: k.Key}, nil); r.status != 200 || !strings.Contains(string(r.body), `"name":"deploy"`) {
		t.Fatalf("new key: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/api-keys", admin, nil); strings.Contains(string(r.body), k.Key) {
		t.Fatal("the key list shows a key's secret")
	}
	// Revoked through the API: refused at once, cache or not.
	if r := e.do("DELETE", "/api/v1/api-keys/"+k.ID, admin, nil); r.status != 204 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/me", cred{bearer: k.Key}, nil); r.status != 401 {
		t.Fatalf("revoked key: %d", r.status)
	}

	// Members: invite, promote, remove.
	r = e.do("POST", "/api/v1/members", admin, map[string]any{"email": "new@example.com", "name": "New Person"})
	var m struct {
		UserID string `json:"user_id"`
		Role   string
	}
	r.json(t, &m)
	if r.status != 201 || m.Role != "member" {
		t.Fatalf("add member: %d %s", r.status, r.body)
	}
	if e.mail.count() != 1 || !strings.Contains(e.mail.sent[0].Body, "/reset-password?token=") {
		t.Fatalf("no invitation mail: %+v", e.mail.sent)
	}
	if r := e.do("POST", "/api/v1/members", admin, map[string]any{"email": "new@example.com"}); r.status != 409 {
		t.Fatalf("add twice: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/members", admin, map[string]any{"email": "not an email"}); r.status != 400 || !strings.Contains(string(r.body), `"field":"email"`) {
		t.Fatalf("bad email: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", "/api/v1/members/"+m.UserID, admin, map[string]any{"role": "admin"}); r.status != 200 || !strings.Contains(string(r.body), `"role":"admin"`) {
		t.Fatalf("promote: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", "/api/v1/members/"+m.UserID, admin, nil); r.status != 204 {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", "/api/v1/members/"+a.admin.ID.String(), admin, map[string]any{"role": "member"}); r.status != 400 {
		t.Fatalf("demoting the last admin: %d %s", r.status, r.body)
	}

	// Secrets are write-only.
	proj := "/api/v1/projects/" + a.project.ID.String()
	if r := e.do("PUT", proj+"/secrets/API_TOKEN", admin, map[string]any{"value": "tok-value-123"}); r.status != 204 {
		t.Fatalf("put secret: %d %s", r.status, r.body)
	}
	r = e.do("GET", proj+"/secrets", key(a.memberKey), nil)
	if !strings.Contains(string(r.body), "API_TOKEN") || strings.Contains(string(r.body), "tok-value-123") {
		t.Fatalf("secret list: %s", r.body)
	}
	if r := e.do("PUT", proj+"/secrets/X", key(a.memberKey), map[string]any{"value": "v"}); r.status != 403 {
		t.Fatalf("member writing a secret: %d", r.status)
	}
	// Members may not set webhooks, admins may.
	if r := e.do("PATCH", proj, key(a.memberKey), map[string]any{"webhook_url": "https://hooks.example.com/x"}); r.status != 403 {
		t.Fatalf("member setting a webhook: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", proj, admin, map[string]any{"webhook_url": "https://hooks.example.com/x"}); r.status != 200 {
		t.Fatalf("admin setting a webhook: %d %s", r.status, r.body)
	}
}

func TestTenantExportAndDelete(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	b := e.world("bolt")
	admin := key(a.adminKey)
	if _, err := e.store.PutPersona(t.Context(), a.tenant.ID, a.project.ID, "buyer", store.PersonaInput{DisplayName: "Berta", PasswordSecret: "password"}); err != nil {
		t.Fatal(err)
	}
	// A recording of A's agent, as a worker keeps it.
	videoKey := storage.VideoKey(a.tenant.ID.String(), a.agent.ID.String(), 1)
	videoURL := "http://localhost:8080/api/v1/agents/" + a.agent.ID.String() + "/video"
	if err := e.blobs.Put(t.Context(), videoKey, []byte("\x1a\x45\xdf\xa3webm"), "video/webm"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.FinishAgent(t.Context(), a.tenant.ID, a.agent.ID, store.AgentResult{Status: store.StatusFailed, VideoKey: &videoKey, VideoURL: &videoURL}); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/api/v1/tenant/export", admin, nil)
	if r.status != 200 || !json.Valid(r.body) {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"video_url":"`+videoURL+`"`) || !strings.Contains(string(r.body), "/acme-page") {
		t.Fatalf("the export lacks the video or the discovery: %s", r.body)
	}
	var doc struct {
		Tenant   struct{ Slug string }
		Members  []struct{ Email string }
		Projects []struct {
			Secrets  []struct{ Name string }
			Personas []struct{ Name string }
			Tests    []struct{ Name string }
			Runs     []struct {
				Agents []struct {
					Steps []struct{ Action string }
				}
			}
		}
	}
	r.json(t, &doc)
	if doc.Tenant.Slug != "acme" || len(doc.Members) != 2 || len(doc.Projects) != 1 || doc.Projects[0].Secrets[0].Name != "password" ||
		len(doc.Projects[0].Personas) != 1 || doc.Projects[0].Personas[0].Name != "buyer" ||
		len(doc.Projects[0].Runs) != 1 || doc.Projects[0].Runs[0].Agents[0].Steps[0].Action != "navigate" {
		t.Fatalf("export content: %s", r.body)
	}
	for _, leak := range []string{"hunter2-acme", a.adminKey.Plaintext, "bolt", b.project.ID.String()} {
		if strings.Contains(string(r.body), leak) {
			t.Fatalf("export holds %q", leak)
		}
	}

	if r := e.do("DELETE", "/api/v1/tenant", admin, map[string]any{"confirm": "bolt"}); r.status != 400 {
		t.Fatalf("delete with another tenant's slug: %d", r.status)
	}
	if r := e.do("DELETE", "/api/v1/tenant", admin, map[string]any{"confirm": "acme"}); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	ctx := context.Background()
	if _, err := e.blobs.Get(ctx, storage.ScreenshotKey(a.tenant.ID.String(), a.agent.ID.String(), 1, 0)); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("A's screenshot survived the deletion: %v", err)
	}
	if _, err := e.blobs.Get(ctx, videoKey); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("A's video survived the deletion: %v", err)
	}
	if _, err := e.blobs.Get(ctx, storage.ScreenshotKey(b.tenant.ID.String(), b.agent.ID.String(), 1, 0)); err != nil {
		t.Fatalf("B's screenshot went with A: %v", err)
	}
	if r := e.do("GET", "/api/v1/me", admin, nil); r.status != 401 {
		t.Fatalf("a deleted tenant's key: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/projects/"+b.project.ID.String(), key(b.memberKey), nil); r.status != 200 {
		t.Fatalf("B after A's deletion: %d", r.status)
	}
}
