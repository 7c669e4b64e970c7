package main

import (
	"net/http"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// /llm.txt on `argus serve` lists every MCP tool a client of /mcp is
// offered, with its description and arguments, besides the routes.
func TestLLMTextListsTheMCPTools(t *testing.T) {
	vars := serveVars(t)
	if r := argus(t, vars, "", "admin", "create-tenant", "--name", "Acme"); r.code != 0 {
		t.Fatalf("create-tenant: %+v", r)
	}
	r := argus(t, vars, "", "admin", "create-key", "--tenant", "acme", "--name", "agent")
	if r.code != 0 {
		t.Fatalf("create-key: %+v", r)
	}
	url, _ := startServe(t, vars)
	doc := getBody(t, url+"/llm.txt")
	if !strings.Contains(doc, "POST /api/v1/projects/{id}/select") || !strings.Contains(doc, "## MCP tools") {
		t.Fatalf("llm.txt lacks the routes or the MCP section:\n%s", doc)
	}
	c := connectMCP(t, &sdk.StreamableClientTransport{Endpoint: url + "/mcp",
		HTTPClient: &http.Client{Transport: bearer{key: strings.TrimSpace(r.stdout), base: http.DefaultTransport}}})
	n := 0
	for tool, err := range c.cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !strings.Contains(doc, tool.Name+" — "+tool.Description+"\n") {
			t.Errorf("llm.txt lacks the tool %s as /mcp describes it", tool.Name)
		}
	}
	if n < 6 {
		t.Fatalf("/mcp offers %d tools", n)
	}
	if !strings.Contains(doc, "agent_id* : string") && !strings.Contains(doc, "agent_id*: string") {
		t.Errorf("llm.txt gives no arguments of the tools:\n%s", doc[strings.Index(doc, "## MCP tools"):])
	}
}
