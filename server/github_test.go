package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/store"
)

type githubBody struct {
	InstallationID int64  `json:"installation_id"`
	Repository     string `json:"repository"`
	ReportErrors   bool   `json:"report_errors"`
	CloseOnPass    bool   `json:"close_on_pass"`
}

// storedTarget reads w's project's GitHub settings as the worker does.
func storedTarget(t *testing.T, e *env, w *tenantWorld) (github.Target, error) {
	t.Helper()
	in, err := e.store.GetIntegration(context.Background(), w.tenant.ID, store.IntegrationGitHub, &w.project.ID)
	if err != nil {
		return github.Target{}, err
	}
	return github.TargetFromConfig(in.Config)
}

func TestGitHubSettingsAPIRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	path := "/api/v1/projects/" + a.project.ID.String() + "/github"
	admin := key(a.adminKey)

	if r := e.do("GET", path, admin, nil); r.status != http.StatusNotFound || !isProblem(r) {
		t.Fatalf("GET before any settings: %d %s", r.status, r.body)
	}
	// A token stored beside the settings (an installation's) is kept.
	if _, err := e.store.PutIntegration(context.Background(), a.tenant.ID, store.IntegrationInput{ProjectID: &a.project.ID,
		Kind: store.IntegrationGitHub, Config: map[string]any{"repository": "old/repo"}, Token: "ghs_kept"}); err != nil {
		t.Fatal(err)
	}
	// Settings stored incomplete (the old UI saved only the repository)
	// are shown as far as they go.
	var got githubBody
	r := e.do("GET", path, admin, nil)
	r.json(t, &got)
	if r.status != http.StatusOK || got != (githubBody{Repository: "old/repo"}) {
		t.Fatalf("GET incomplete: %d %+v", r.status, got)
	}

	want := githubBody{InstallationID: 41234567, Repository: "acme/shop", ReportErrors: true, CloseOnPass: true}
	r = e.do("PUT", path, admin, want)
	got = githubBody{}
	r.json(t, &got)
	if r.status != http.StatusOK || got != want {
		t.Fatalf("PUT: %d %+v", r.status, got)
	}
	if tg, err := storedTarget(t, e, a); err != nil || tg != (github.Target{InstallationID: 41234567, Repository: "acme/shop", ReportErrors: true, CloseOnPass: true}) {
		t.Fatalf("stored %+v %v", tg, err)
	}
	if tok, err := e.store.IntegrationToken(context.Background(), a.tenant.ID, store.IntegrationGitHub, &a.project.ID); err != nil || tok != "ghs_kept" {
		t.Fatalf("token after PUT: %q %v", tok, err)
	}
	// A session works as a key does; absent booleans are false.
	r = e.do("PUT", path, cookie(a.adminCookie), map[string]any{"installation_id": 7, "repository": "acme/shop.web"})
	got = githubBody{}
	r.json(t, &got)
	if r.status != http.StatusOK || got != (githubBody{InstallationID: 7, Repository: "acme/shop.web"}) {
		t.Fatalf("PUT 2: %d %+v", r.status, got)
	}
	r = e.do("GET", path, admin, nil)
	got = githubBody{}
	r.json(t, &got)
	if r.status != http.StatusOK || got != (githubBody{InstallationID: 7, Repository: "acme/shop.web"}) {
		t.Fatalf("GET: %d %+v", r.status, got)
	}
	// Every field is present, false or not.
	if !strings.Contains(string(r.body), `"report_errors":false`) || !strings.Contains(string(r.body), `"close_on_pass":false`) {
		t.Errorf("GET body lacks a field: %s", r.body)
	}

	if r := e.do("DELETE", path, admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if _, err := storedTarget(t, e, a); err == nil {
		t.Fatal("settings still stored after DELETE")
	}
	for _, m := range []string{"GET", "DELETE"} {
		if r := e.do(m, path, admin, nil); r.status != http.StatusNotFound || !isProblem(r) {
			t.Errorf("%s after DELETE: %d %s", m, r.status, r.body)
		}
	}
}

func TestGitHubSettingsAPIBadInput(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	path := "/api/v1/projects/" + a.project.ID.String() + "/github"
	for _, tc := range []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"no id", map[string]any{"repository": "acme/shop"}, 400, []string{"installation_id"}},
		{"zero id", map[string]any{"installation_id": 0, "repository": "acme/shop"}, 400, []string{"installation_id"}},
		{"negative id", map[string]any{"installation_id": -3, "repository": "acme/shop"}, 400, []string{"installation_id"}},
		{"fractional id", `{"installation_id": 1.5, "repository": "acme/shop"}`, 400, []string{"installation_id"}},
		{"id as text", `{"installation_id": "12", "repository": "acme/shop"}`, 400, []string{"installation_id"}},
		{"huge id", `{"installation_id": 99999999999999999999, "repository": "acme/shop"}`, 400, []string{"installation_id"}},
		{"no repository", map[string]any{"installation_id": 1}, 400, []string{"repository"}},
		{"repository URL", map[string]any{"installation_id": 1, "repository": "https://github.com/acme/shop"}, 400, []string{"repository"}},
		{"repository dots", map[string]any{"installation_id": 1, "repository": "acme/.."}, 400, []string{"repository"}},
		{"both wrong", map[string]any{"installation_id": 0, "repository": "acme"}, 400, []string{"installation_id", "repository"}},
		{"flag as text", `{"installation_id": 1, "repository": "acme/shop", "close_on_pass": "yes"}`, 400, []string{"close_on_pass"}},
		{"unknown field", map[string]any{"installation_id": 1, "repository": "acme/shop", "token": "x"}, 400, []string{"token"}},
		{"not an object", `[]`, 400, nil},
		{"empty body", "", 400, nil},
		{"malformed", `{"installation_id": `, 400, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("PUT", path, key(a.adminKey), tc.body)
			if r.status != tc.status || !isProblem(r) {
				t.Fatalf("%d %s; want a %d problem", r.status, r.body, tc.status)
			}
			var p server.Problem
			r.json(t, &p)
			var got []string
			for _, f := range p.Errors {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("field errors %v, want %v (%s)", got, tc.fields, r.body)
			}
		})
	}
	if _, err := storedTarget(t, e, a); err == nil {
		t.Fatal("bad input was stored")
	}
	if r := e.do("PUT", path, key(a.adminKey), `{}`, "Content-Type", "text/plain"); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %d", r.status)
	}
}

func TestGitHubSettingsAPIAccess(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	b := e.world("bolt")
	path := "/api/v1/projects/" + a.project.ID.String() + "/github"
	body := githubBody{InstallationID: 5, Repository: "acme/shop"}
	if r := e.do("PUT", path, key(a.adminKey), body); r.status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	for _, c := range []cred{key(a.memberKey), cookie(a.memberCookie)} {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			if r := e.do(m, path, c, body); r.status != http.StatusForbidden || !isProblem(r) {
				t.Errorf("member %s: %d %s", m, r.status, r.body)
			}
		}
	}
	for _, c := range []cred{key(b.adminKey), cookie(b.adminCookie)} {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			r := e.do(m, path, c, githubBody{InstallationID: 6, Repository: "bolt/steal"})
			if r.status != http.StatusNotFound || !isProblem(r) || strings.Contains(string(r.body), "acme/shop") {
				t.Errorf("other tenant's admin %s: %d %s", m, r.status, r.body)
			}
		}
	}
	// Nothing of that changed A's settings, and B got none for A's project.
	if tg, err := storedTarget(t, e, a); err != nil || tg != (github.Target{InstallationID: 5, Repository: "acme/shop"}) {
		t.Fatalf("A's settings after the others: %+v %v", tg, err)
	}
	if _, err := e.store.GetIntegration(context.Background(), b.tenant.ID, store.IntegrationGitHub, &a.project.ID); err == nil {
		t.Fatal("B stored settings on A's project")
	}
	if r := e.do("GET", "/api/v1/projects/not-an-id/github", key(a.adminKey), nil); r.status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.status)
	}
}
