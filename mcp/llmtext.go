package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// LLMText describes the MCP tools for /llm.txt. It is read from the tool
// table itself: an in-memory client lists the tools of a server built as
// every other one is, so the text names exactly the tools, descriptions
// and arguments a client gets, never a copy of them.
func LLMText(ctx context.Context) (string, error) {
	s, err := New(Config{Backend: func(context.Context, *sdk.CallToolRequest) (Backend, error) {
		return nil, errors.New("mcp: the tool listing calls no tool")
	}})
	if err != nil {
		return "", err
	}
	st, ct := sdk.NewInMemoryTransports()
	ss, err := s.Connect(ctx, st, nil)
	if err != nil {
		return "", fmt.Errorf("mcp: list the tools: %w", err)
	}
	defer ss.Close()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "llm.txt", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		return "", fmt.Errorf("mcp: list the tools: %w", err)
	}
	defer cs.Close()
	var tools []*sdk.Tool
	for t, err := range cs.Tools(ctx, nil) {
		if err != nil {
			return "", fmt.Errorf("mcp: list the tools: %w", err)
		}
		tools = append(tools, t)
	}
	slices.SortFunc(tools, func(a, b *sdk.Tool) int { return strings.Compare(a.Name, b.Name) })

	var b strings.Builder
	b.WriteString("## MCP tools\n\n")
	b.WriteString("Streamable HTTP at /mcp on the server (Authorization: Bearer argus_…, scoped to the key's tenant like the API), or `argus mcp DIR` over stdio on a developer's machine.\n")
	b.WriteString(strings.ReplaceAll(instructions, "\n", " ") + "\n\n")
	for _, t := range tools {
		fmt.Fprintf(&b, "%s — %s\n", t.Name, t.Description)
		if args := describeArgs(t.InputSchema); args != "" {
			b.WriteString("  arguments: " + args + "\n")
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// describeArgs writes a tool's input schema as name: type (required
// marked *) — description, one argument after the other.
func describeArgs(schema any) string {
	raw, err := json.Marshal(schema)
	if err != nil {
		return ""
	}
	var s struct {
		Properties map[string]struct {
			Type        any    `json:"type"`
			Description string `json:"description"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		p := s.Properties[n]
		arg := n
		if slices.Contains(s.Required, n) {
			arg += "*"
		}
		if p.Type != nil {
			arg += fmt.Sprintf(": %v", p.Type)
		}
		if p.Description != "" {
			arg += " — " + p.Description
		}
		parts = append(parts, arg)
	}
	return strings.Join(parts, "; ")
}
