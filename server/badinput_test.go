package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/argusqa/argus/server"
)

// TestBadInput sends every route that reads a body malformed JSON, wrong
// types, unknown fields, oversized and mistyped bodies, and every route
// with an id malformed and unknown ids: each answer is a 4xx problem.
func TestBadInput(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.Server.MaxBodyBytes = 4 << 10; c.Server.MaxUploadBytes = 8 << 10 })
	a := e.world("acme")
	admin := key(a.adminKey)
	huge := `{"name": "` + strings.Repeat("x", 16<<10) + `"}`
	bodies := map[string]string{
		"malformed":       `{"name": `,
		"not an object":   `[1, 2, 3]`,
		"a string":        `"hello"`,
		"unknown field":   `{"no_such_field_anywhere": 1}`,
		"wrong types":     `{"name": 5, "email": [], "test_ids": "x", "files": 3, "value": {}, "role": 1, "confirm": 2, "token": false, "goal": 1.5}`,
		"null":            `null`,
		"two values":      `{} {}`,
		"trailing":        `{}x`,
		"oversized":       huge,
		"empty":           ``,
		"deep nesting":    strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		"invalid utf8":    "{\"name\": \"\xff\xfe\"}",
		"huge number":     `{"timeout_seconds": 1e400}`,
		"negative number": `{"expires_in_days": -5, "timeout_seconds": -1}`,
	}
	for _, rt := range e.srv.Routes() {
		name := rt.Method + " " + rt.Pattern
		if _, ok := sampleBodies(a)[name]; !ok {
			continue
		}
		path, _ := fillPath(t, rt.Pattern, a)
		t.Run(name, func(t *testing.T) {
			for label, body := range bodies {
				r := e.do(rt.Method, path, admin, body)
				if r.status < 400 || r.status >= 500 || !isProblem(r) {
					// "null" decodes to a zero request, which may be a
					// valid no-op for some routes; only 5xx and non-problem
					// errors are failures then.
					if label == "null" && r.status < 400 {
						continue
					}
					t.Errorf("%s: %d %s; want a 4xx problem", label, r.status, r.body)
				}
			}
			r := e.do(rt.Method, path, admin, "{}", "Content-Type", "text/plain")
			if r.status != http.StatusUnsupportedMediaType || !isProblem(r) {
				t.Errorf("text/plain body: %d %s; want 415", r.status, r.body)
			}
		})
	}
	// Field-level details name the field.
	r := e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/runs", admin, `{"test_ids": "x"}`)
	if r.status != 400 || !strings.Contains(string(r.body), `"field":"test_ids"`) {
		t.Errorf("wrong type for test_ids: %d %s; want a field error", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/runs", admin, `{"tags": ["smoke"], "colour": "red"}`)
	if r.status != 400 || !strings.Contains(string(r.body), `"field":"colour"`) {
		t.Errorf("unknown field: %d %s; want a field error naming it", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/runs", admin, `{"test_ids": ["nope", "`+uuid.NewString()+`"]}`)
	if r.status != 400 || !strings.Contains(string(r.body), `"field":"test_ids[0]"`) {
		t.Errorf("bad test id: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/tests", admin, `{"name": "Bad step", "steps": ["dance wildly"]}`)
	if r.status != 400 || !strings.Contains(string(r.body), `"field":"steps[0]"`) {
		t.Errorf("bad step: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/test-files", admin,
		map[string]any{"files": []any{map[string]any{"path": "bad.yaml", "content": "name: x\nsteps:\n  - fly to the moon\n"}}})
	if r.status != 400 || !strings.Contains(string(r.body), "bad.yaml:") {
		t.Errorf("bad test file: %d %s; want file:line errors", r.status, r.body)
	}

	// Bad and unknown ids.
	for _, rt := range e.srv.Routes() {
		if !strings.Contains(rt.Pattern, "{") || rt.Access == server.Public {
			continue
		}
		body := bodyFor(t, rt, a)
		bads := []string{"not-an-id", uuid.NewString(), "%00", "..%2f..%2fetc", strings.Repeat("9", 300)}
		if strings.Contains(rt.Pattern, "{name}") {
			// not-an-id is a fine secret name; PUT creates it.
			bads = []string{"%00", "..%2f..%2fetc", "has%20space", strings.Repeat("n", 300)}
		}
		for _, bad := range bads {
			path := rt.Pattern
			for _, ph := range []string{"{id}", "{user_id}", "{name}", "{index}"} {
				path = strings.ReplaceAll(path, ph, bad)
			}
			if strings.Contains(rt.Pattern, "{index}") || strings.Contains(rt.Pattern, "{name}") {
				// Keep the parent object real so the inner one is tested.
				p, _ := fillPath(t, rt.Pattern, a)
				path = strings.Replace(p, "/0/", "/"+bad+"/", 1)
				path = strings.Replace(path, "/password", "/"+bad, 1)
			}
			r := e.do(rt.Method, path, admin, body)
			if r.status < 400 || r.status >= 500 || !isProblem(r) {
				t.Errorf("%s %s: %d %s; want a 4xx problem", rt.Method, path, r.status, r.body)
			}
		}
	}

	// Unknown endpoints and methods answer with problems too.
	for _, c := range []struct{ method, path string }{{"GET", "/api/v1/nope"}, {"PATCH", "/api/v1/me"}, {"GET", "/api/v2/projects"}} {
		r := e.do(c.method, c.path, admin, nil)
		if r.status != 404 && r.status != 405 || !isProblem(r) {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
		}
	}
}

// FuzzCreateRun throws arbitrary bodies and Idempotency-Keys at run
// creation: the server answers 2xx or a 4xx problem, never a 5xx.
func FuzzCreateRun(f *testing.F) {
	e := newEnv(f, nil)
	a := e.world("acme")
	path := "/api/v1/projects/" + a.project.ID.String() + "/runs"
	for _, seed := range []string{
		`{}`, `{"tags":["smoke"]}`, `{"test_ids":["` + a.test.ID.String() + `"],"commit_sha":"abc","branch":"main"}`,
		`{"names":["Checkout"]}`, `{"names":["nope"]}`, `{"test_ids":[1]}`, `{"tags":[""]}`, `{"tags":null}`,
		`{"commit_sha":"` + strings.Repeat("a", 100) + `"}`, `[`, `{"test_ids":["` + a.test.ID.String() + `"],"x":1}`,
	} {
		f.Add([]byte(seed), "")
		f.Add([]byte(seed), "retry-1")
	}
	f.Fuzz(func(t *testing.T, body []byte, idem string) {
		req, err := http.NewRequest("POST", e.url+path, strings.NewReader(string(body)))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.memberKey.Plaintext)
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		resp, err := e.http.Do(req)
		if err != nil {
			t.Skip() // a header value the client itself refuses to send
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("body %q, key %q: status %d", body, idem, resp.StatusCode)
		}
		if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("body %q: error %d is not a problem", body, resp.StatusCode)
		}
	})
}
