package server_test

import (
	"strings"
	"testing"
)

// TestLongValues fills every string (and string list) field of every
// route's sample body with a 100 KB value: the answer is never a 5xx.
// Long values meet database limits (index entry sizes) that plain
// validation does not see.
func TestLongValues(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	long := strings.Repeat("x", 100<<10)
	for _, rt := range e.srv.Routes() {
		name := rt.Method + " " + rt.Pattern
		sample, ok := sampleBodies(a)[name].(map[string]any)
		if !ok {
			continue
		}
		path, _ := fillPath(t, rt.Pattern, a)
		for field, v := range sample {
			body := map[string]any{}
			for k, v := range sample {
				body[k] = v
			}
			switch v.(type) {
			case string:
				body[field] = long
			case []string:
				body[field] = []string{long}
			default:
				continue
			}
			r := e.do(rt.Method, path, key(a.adminKey), body)
			if r.status >= 500 || (r.status >= 400 && !isProblem(r)) {
				t.Errorf("%s with a long %s: %d %s", name, field, r.status, r.body)
			}
		}
	}
	// Fields the samples leave out.
	proj := "/api/v1/projects/" + a.project.ID.String()
	for _, body := range []map[string]any{
		{"name": "t1", "goal": "g", "tags": []string{long}},
		{"name": "t2", "goal": long, "checkpoints": []string{long}},
		{"name": "t3", "url": "/" + long, "goal": "g"},
	} {
		if r := e.do("POST", proj+"/tests", key(a.adminKey), body); r.status >= 500 {
			t.Errorf("test with long values: %d %s", r.status, r.body)
		}
	}
	for _, body := range []map[string]any{
		{"names": []string{long}}, {"tags": []string{long}}, {"branch": long}, {"commit_sha": long},
	} {
		if r := e.do("POST", proj+"/runs", key(a.adminKey), body, "Idempotency-Key", strings.Repeat("k", 255)); r.status >= 500 {
			t.Errorf("run with long values: %d %s", r.status, r.body)
		}
	}
	if r := e.do("PATCH", proj, key(a.adminKey), map[string]any{"allowed_origins": []string{"https://" + long + ".example.com"}, "default_model": long}); r.status >= 500 {
		t.Errorf("project with long values: %d %s", r.status, r.body)
	}
	if r := e.do("GET", proj+"/tests?q="+long[:8000]+"&tag="+long[:8000], key(a.adminKey), nil); r.status >= 500 {
		t.Errorf("long search: %d %s", r.status, r.body)
	}
}
