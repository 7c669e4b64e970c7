package server_test

import (
	"strings"
	"testing"
)

// TestNULBytes: PostgreSQL text cannot hold NUL; a NUL anywhere in input
// is a 400, not a database error.
func TestNULBytes(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	admin := key(a.adminKey)
	proj := "/api/v1/projects/" + a.project.ID.String()
	for _, c := range []struct {
		method, path string
		body         string
	}{
		{"POST", proj + "/runs", `{"commit_sha":"a\u0000b"}`},
		{"POST", proj + "/runs", `{"branch":"\u0000"}`},
		{"POST", proj + "/tests", `{"name":"x\u0000","goal":"g"}`},
		{"POST", proj + "/tests", `{"name":"x","goal":"g\u0000","tags":["\u0000"]}`},
		{"PUT", "/api/v1/tests/" + a.test.ID.String(), `{"name":"x","goal":"g","checkpoints":["\u0000"]}`},
		{"POST", "/api/v1/projects", `{"name":"\u0000","base_url":"https://x.example.com"}`},
		{"PATCH", proj, `{"default_model":"\u0000"}`},
		{"PUT", proj + "/secrets/K", `{"value":"\u0000"}`},
		{"POST", "/api/v1/api-keys", `{"name":"\u0000"}`},
		{"POST", "/api/v1/members", `{"email":"a\u0000@example.com"}`},
		{"POST", "/api/v1/members", `{"email":"nul@example.com","name":"\u0000"}`},
		{"POST", "/api/v1/auth/login", `{"email":"\u0000","password":"\u0000"}`},
		{"POST", "/api/v1/auth/password-reset", `{"email":"\u0000@example.com"}`},
		{"POST", proj + "/test-files", `{"files":[{"path":"a\u0000.yaml","content":"name: x\ngoal: \"\\u0000\"\n"}]}`},
		{"GET", proj + "/tests?q=%00", ""},
		{"GET", proj + "/tests?tag=%00", ""},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		r := e.do(c.method, c.path, admin, body)
		if r.status < 400 || r.status >= 500 || !isProblem(r) {
			t.Errorf("%s %s %s: %d %s; want a 4xx problem", c.method, c.path, c.body, r.status, r.body)
		}
	}
	// An escaped backslash before "u0000" is ordinary text.
	r := e.do("POST", "/api/v1/projects", admin, `{"name":"a\\u0000b","base_url":"https://x.example.com"}`)
	if r.status != 201 || !strings.Contains(string(r.body), `"name":"a\\u0000b"`) {
		t.Errorf("literal backslash-u0000: %d %s", r.status, r.body)
	}
}
