package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/argusqa/argus/server"
)

// sampleBodies holds a valid body for every route that reads one. A new
// route with a body fails TestTenantIsolation until it has one here.
func sampleBodies(w *tenantWorld) map[string]any {
	return map[string]any{
		"POST /api/v1/auth/login":                   map[string]any{"email": w.admin.Email, "password": w.password},
		"POST /api/v1/auth/password-reset":          map[string]any{"email": w.admin.Email},
		"POST /api/v1/auth/password-reset/confirm":  map[string]any{"token": "argus_nope", "password": "a new long password"},
		"POST /api/v1/projects":                     map[string]any{"name": "New", "base_url": "https://new.example.com"},
		"PATCH /api/v1/projects/{id}":               map[string]any{"name": "Renamed"},
		"PUT /api/v1/projects/{id}/secrets/{name}":  map[string]any{"value": "s3cret"},
		"PUT /api/v1/projects/{id}/personas/{name}": map[string]any{"display_name": "Stolen", "locale": "de-DE"},
		"PUT /api/v1/projects/{id}/github":          map[string]any{"installation_id": 41234567, "repository": "acme/shop", "close_on_pass": true},
		"PUT /api/v1/projects/{id}/m365":            map[string]any{"mode": "delegated", "tenant_id": "contoso.onmicrosoft.com", "client_id": "app", "client_secret": "s", "mailbox": "qa@contoso.com"},
		"POST /api/v1/projects/{id}/tests":          map[string]any{"name": "Another", "goal": "do it"},
		"POST /api/v1/projects/{id}/schedules":      map[string]any{"name": "Hourly", "cron": "0 * * * *"},
		"PUT /api/v1/schedules/{id}":                map[string]any{"name": "Nightly", "cron": "0 3 * * *", "paused": true},
		"POST /api/v1/projects/{id}/test-files":     map[string]any{"files": []any{map[string]any{"path": "a.yaml", "content": "name: From file\ngoal: do it\n"}}},
		"PUT /api/v1/tests/{id}":                    map[string]any{"name": "Checkout", "goal": "buy two things"},
		"POST /api/v1/projects/{id}/runs":           map[string]any{"tags": []string{"smoke"}},
		"POST /api/v1/plans/{id}/runs":              map[string]any{"branch": "main"},
		"POST /api/v1/projects/{id}/discoveries":    map[string]any{"max_pages": 5},
		"POST /api/v1/discoveries/{id}/accept":      map[string]any{"yaml": "name: Stolen\ngoal: do it\n"},
		"PUT /api/v1/projects/{id}/roles/{name}":    map[string]any{"prompt": "Look hard."},
		"POST /api/v1/projects/{id}/select":         map[string]any{"changed_files": []string{"demo/templates/checkout.html"}, "dry_run": true},
		"POST /api/v1/api-keys":                     map[string]any{"name": "new key"},
		"POST /api/v1/members":                      map[string]any{"email": "new-person@example.com", "role": "member"},
		"PATCH /api/v1/members/{user_id}":           map[string]any{"role": "member"},
		"DELETE /api/v1/tenant":                     map[string]any{"confirm": "not-the-slug"},
	}
}

// noBody lists the writes that take no body.
var noBody = map[string]bool{
	"POST /api/v1/auth/logout":                         true,
	"POST /api/v1/runs/{id}/cancel":                    true,
	"POST /api/v1/agents/{id}/cancel":                  true,
	"POST /api/v1/discoveries/{id}/cancel":             true,
	"DELETE /api/v1/projects/{id}":                     true,
	"DELETE /api/v1/projects/{id}/secrets/{name}":      true,
	"DELETE /api/v1/projects/{id}/personas/{name}":     true,
	"DELETE /api/v1/projects/{id}/roles/{name}":        true,
	"DELETE /api/v1/projects/{id}/github":              true,
	"DELETE /api/v1/projects/{id}/m365":                true,
	"POST /api/v1/projects/{id}/m365/sign-in":          true,
	"DELETE /api/v1/tests/{id}":                        true,
	"DELETE /api/v1/schedules/{id}":                    true,
	"DELETE /api/v1/api-keys/{id}":                     true,
	"DELETE /api/v1/members/{user_id}":                 true,
	"POST /api/v1/projects/{id}/webhook/rotate-secret": true,
	"POST /api/v1/deliveries/{id}/redeliver":           true,
}

// fillPath puts w's objects into a route pattern; the kind of {id} follows
// from the path. A placeholder this function does not know fails the test,
// so a new route cannot slip past the isolation checks.
func fillPath(t *testing.T, pattern string, w *tenantWorld) (path string, hasID bool) {
	t.Helper()
	ids := map[string]string{
		"/api/v1/projects/{id}":    w.project.ID.String(),
		"/api/v1/tests/{id}":       w.test.ID.String(),
		"/api/v1/runs/{id}":        w.run.ID.String(),
		"/api/v1/agents/{id}":      w.agent.ID.String(),
		"/api/v1/api-keys/{id}":    w.memberKey.ID.String(),
		"/api/v1/deliveries/{id}":  w.delivery.ID.String(),
		"/api/v1/schedules/{id}":   w.schedule.ID.String(),
		"/api/v1/plans/{id}":       w.plan.ID.String(),
		"/api/v1/discoveries/{id}": w.discovery.ID.String(),
	}
	path = pattern
	for prefix, id := range ids {
		if strings.HasPrefix(path, prefix) {
			path = id + "\x00" + strings.TrimPrefix(path, prefix)
			path = strings.TrimSuffix(prefix, "{id}") + path
			path = strings.Replace(path, "\x00", "", 1)
			hasID = true
		}
	}
	for ph, v := range map[string]string{"{user_id}": w.member.ID.String(), "{name}": "password", "{index}": "0", "{message}": w.mail.ID.String()} {
		if strings.Contains(path, ph) {
			path = strings.ReplaceAll(path, ph, v)
			hasID = true
		}
	}
	if strings.ContainsAny(path, "{}") {
		t.Fatalf("route %s has a path parameter the isolation test cannot fill; teach fillPath about it", pattern)
	}
	return path, hasID
}

func bodyFor(t *testing.T, rt server.Route, w *tenantWorld) any {
	t.Helper()
	name := rt.Method + " " + rt.Pattern
	if b, ok := sampleBodies(w)[name]; ok {
		return b
	}
	if rt.Method != "GET" && !noBody[name] {
		t.Fatalf("route %s has no sample body; add one to sampleBodies (or to noBody)", name)
	}
	return nil
}

// TestTenantIsolation walks the route table: another tenant's key and
// session get 404 on every object of tenant A; lists never show A's ids; a
// member gets 403 on admin routes; expired, revoked and missing
// credentials get 401 everywhere.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	b := e.world("bolt")
	secretsOfA := []string{a.project.ID.String(), a.test.ID.String(), a.run.ID.String(), a.agent.ID.String(),
		a.tenant.ID.String(), a.admin.ID.String(), a.adminKey.ID.String(), "hunter2-acme", a.mail.ID.String(), "Confirm acme", "m365-secret-acme", "app-acme"}

	routes := e.srv.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, rt := range routes {
		if rt.Access == server.Public {
			continue
		}
		name := rt.Method + " " + rt.Pattern
		t.Run(name, func(t *testing.T) {
			path, hasID := fillPath(t, rt.Pattern, a)
			body := bodyFor(t, rt, a)
			for _, who := range []struct {
				label string
				c     cred
			}{{"B admin key", key(b.adminKey)}, {"B admin session", cookie(b.adminCookie)}} {
				if hasID {
					r := e.do(rt.Method, path, who.c, body)
					if r.status != http.StatusNotFound || !isProblem(r) {
						t.Errorf("%s on A's object: %d %s; want a 404 problem", who.label, r.status, r.body)
					}
				} else if rt.Method == "GET" && !rt.Stream {
					r := e.do(rt.Method, path, who.c, nil)
					if r.status != http.StatusOK {
						t.Errorf("%s: %d %s", who.label, r.status, r.body)
					}
					for _, s := range secretsOfA {
						if strings.Contains(string(r.body), s) {
							t.Errorf("%s sees tenant A's %s in %s", who.label, s, r.body)
						}
					}
				}
			}
			if rt.Access == server.Admin {
				for _, c := range []cred{key(a.memberKey), cookie(a.memberCookie)} {
					r := e.do(rt.Method, path, c, body)
					if r.status != http.StatusForbidden || !isProblem(r) {
						t.Errorf("A member (%v) on an admin route: %d %s; want a 403 problem", c.cookie != "", r.status, r.body)
					}
				}
			}
			for _, c := range []struct {
				label string
				c     cred
			}{{"expired key", key(a.expiredKey)}, {"revoked key", key(a.revokedKey)}, {"no credentials", cred{}},
				{"unknown key", cred{bearer: "argus_" + strings.Repeat("x", 40)}}, {"unknown session", cookie("nope")}} {
				r := e.do(rt.Method, path, c.c, body)
				if r.status != http.StatusUnauthorized || !isProblem(r) {
					t.Errorf("%s: %d %s; want a 401 problem", c.label, r.status, r.body)
				}
			}
		})
	}

	// Tenant A's data survived all of it, as A sees it.
	for _, p := range []string{"/api/v1/projects/" + a.project.ID.String(), "/api/v1/tests/" + a.test.ID.String(),
		"/api/v1/runs/" + a.run.ID.String(), "/api/v1/agents/" + a.agent.ID.String()} {
		if r := e.do("GET", p, key(a.memberKey), nil); r.status != http.StatusOK {
			t.Errorf("A reading its own %s: %d %s", p, r.status, r.body)
		}
	}
	if r := e.do("GET", "/api/v1/projects/"+a.project.ID.String()+"/secrets", key(a.memberKey), nil); !strings.Contains(string(r.body), `"password"`) {
		t.Errorf("A's secret is gone: %s", r.body)
	}
	if _, cancelled := e.sched.counts(); cancelled != 0 {
		t.Errorf("the scheduler cancelled %d of A's agents on B's request", cancelled)
	}
}
