package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/server/ratelimit"
)

// llm.txt lists every route of the route table, those added with Handle
// after New included, with what the OpenAPI document says of it.
func TestLLMTextListsEveryRoute(t *testing.T) {
	// The limits at their defaults, which the text states.
	e := newEnv(t, func(c *envConfig) { c.Server.RateLimit = ratelimit.Config{} })
	extra := server.Route{Method: "POST", Pattern: "/extra/{id}", Access: server.Member,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})}
	if err := e.srv.Handle(extra); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/llm.txt", cred{}, nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("llm.txt: %d %s", r.status, r.header.Get("Content-Type"))
	}
	text := string(r.body)
	routes := e.srv.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		line := rt.Method + " " + rt.Pattern + " [" + rt.Access.String() + "]"
		if !strings.Contains(text, "\n"+line) {
			t.Errorf("llm.txt lacks %q", line)
		}
	}
	// Lines come from the OpenAPI document: summaries, bodies, answers.
	for _, want := range []string{
		"POST /api/v1/projects/{id}/tests [member] — Create a test",
		"body application/json: TestInput {",
		"name*: string",
		"answers: 201 Test",
		"Authorization: Bearer argus_",
		"Retry-After",
		"30 requests/s, bursts of 50, 10 in flight",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("llm.txt lacks %q", want)
		}
	}
	if strings.Count(text, "\n") > 20*len(routes) {
		t.Errorf("llm.txt is %d lines for %d routes; it should stay concise", strings.Count(text, "\n"), len(routes))
	}
}
