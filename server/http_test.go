package server_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/argusqa/argus/server"
)

// TestOpenAPIMatchesRoutes checks that the OpenAPI document describes
// exactly the registered API routes, each with responses.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/api/v1/openapi.json", cred{}, nil)
	if r.status != 200 {
		t.Fatalf("openapi.json: %d", r.status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.json(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			var o struct {
				Responses map[string]any `json:"responses"`
				Summary   string         `json:"summary"`
			}
			if err := json.Unmarshal(op, &o); err != nil || len(o.Responses) == 0 || o.Summary == "" {
				t.Errorf("%s %s: no summary or responses", method, path)
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		registered[rt.Method+" "+rt.Pattern] = true
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("OpenAPI and routes differ:\n  routes not documented: %v\n  documented, not routes: %v", missing, extra)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	for _, r := range []*response{
		e.do("GET", "/healthz", cred{}, nil),
		e.do("GET", "/api/v1/projects", key(a.memberKey), nil),
		e.do("GET", "/api/v1/nope", cred{}, nil),
		e.do("GET", "/api/v1/me", cred{}, nil),
	} {
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"X-XSS-Protection":       "1; mode=block",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s = %q, want %q (status %d)", h, got, want, r.status)
			}
		}
	}
}

func TestGzip(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	r := e.do("GET", "/api/v1/openapi.json", cred{}, nil, "Accept-Encoding", "gzip")
	if r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("openapi.json not gzipped: %v", r.header)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !json.Valid(plain) {
		t.Fatal("gzipped body is not the JSON document")
	}
	// A PNG is already compressed: sent as it is.
	r = e.do("GET", "/api/v1/agents/"+a.agent.ID.String()+"/steps/0/screenshot", key(a.memberKey), nil, "Accept-Encoding", "gzip")
	if r.status != 200 || r.header.Get("Content-Encoding") != "" || r.header.Get("Content-Type") != "image/png" || string(r.body) != string(pngBytes) {
		t.Fatalf("screenshot: %d %v", r.status, r.header)
	}
	// Without Accept-Encoding, plain.
	if r := e.do("GET", "/api/v1/openapi.json", cred{}, nil); r.header.Get("Content-Encoding") != "" {
		t.Fatal("compressed without Accept-Encoding")
	}
	// Event streams are never compressed: see openStream in
	// TestRunEventsDeliverStepsLive, which asks for gzip.
}

// TestCrossOriginCookieWriteRefused: a browser on another site can make a
// signed-in person's browser send a cookie, not a bearer key.
func TestCrossOriginCookieWriteRefused(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	body := map[string]any{"name": "Evil", "base_url": "https://evil.example.com"}
	cross := []string{"Origin", "https://evil.example.com", "Sec-Fetch-Site", "cross-site"}
	if r := e.do("POST", "/api/v1/projects", cookie(a.memberCookie), body, cross...); r.status != 403 || !isProblem(r) {
		t.Fatalf("cross-origin cookie POST: %d %s; want 403", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/auth/logout", cookie(a.memberCookie), nil, cross...); r.status != 403 {
		t.Fatalf("cross-origin logout: %d; want 403", r.status)
	}
	// The same request with a bearer key is not a browser's doing.
	if r := e.do("POST", "/api/v1/projects", key(a.memberKey), body, cross...); r.status != 201 {
		t.Fatalf("cross-origin bearer POST: %d %s", r.status, r.body)
	}
	// Same-origin cookie writes and cross-origin reads work.
	if r := e.do("POST", "/api/v1/projects", cookie(a.memberCookie), map[string]any{"name": "Fine", "base_url": "https://ok.example.com"},
		"Sec-Fetch-Site", "same-origin"); r.status != 201 {
		t.Fatalf("same-origin cookie POST: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/projects", cookie(a.memberCookie), nil, cross...); r.status != 200 {
		t.Fatalf("cross-origin GET: %d", r.status)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t, nil)
	e.world("acme")
	if r := e.do("GET", "/healthz", cred{}, nil); r.status != 200 {
		t.Fatalf("healthz %d", r.status)
	}
	if r := e.do("GET", "/readyz", cred{}, nil); r.status != 200 {
		t.Fatalf("readyz %d %s", r.status, r.body)
	}
	e.srv.Metrics().ObserveStep(1500_000_000, 100, 20)
	r := e.do("GET", "/metrics", cred{}, nil)
	for _, want := range []string{
		`argus_agents{status="queued"} 1`, `argus_agents{status="running"} 0`, "argus_metrics_database_up 1",
		"argus_step_duration_seconds_count 1", `argus_model_tokens_total{direction="input"} 100`,
		`argus_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`, "argus_worker_agents_active 0",
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if t.Failed() {
		t.Log(string(r.body))
	}
	_ = server.Public
}

func TestMethodNotAllowed(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	r := e.do("PATCH", "/api/v1/me", key(a.memberKey), nil)
	if r.status != 405 || r.header.Get("Allow") != "GET" || !isProblem(r) {
		t.Fatalf("PATCH /api/v1/me: %d Allow=%q %s", r.status, r.header.Get("Allow"), r.body)
	}
	r = e.do("POST", "/api/v1/agents/"+a.agent.ID.String(), key(a.memberKey), nil)
	if r.status != 405 || r.header.Get("Allow") != "GET" {
		t.Fatalf("POST agent: %d Allow=%q", r.status, r.header.Get("Allow"))
	}
	if r := e.do("GET", "/api/v1/nothing/here", key(a.memberKey), nil); r.status != 404 || !isProblem(r) {
		t.Fatalf("unknown path: %d", r.status)
	}
}
