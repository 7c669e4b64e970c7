package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// llmText answers GET /llm.txt: a plain-text reference of the API for a
// language model (or a person in a hurry). It is generated from the
// route table and the OpenAPI document, never written by hand, so it
// cannot drift from what the server answers; it is built on the first
// request, when every route (those added with Handle too) is registered.
func (s *Server) llmText(w http.ResponseWriter, r *http.Request) error {
	s.llmOnce.Do(func() { s.llmDoc, s.llmErr = s.buildLLMText(context.WithoutCancel(r.Context())) })
	if s.llmErr != nil {
		return s.llmErr
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.llmDoc)
	return nil
}

// openAPIDoc is the part of the OpenAPI document llm.txt reads.
type openAPIDoc struct {
	Info struct {
		Description string `json:"description"`
	} `json:"info"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas    map[string]schema    `json:"schemas"`
		Parameters map[string]parameter `json:"parameters"`
	} `json:"components"`
}

type operation struct {
	Summary     string      `json:"summary"`
	Description string      `json:"description"`
	Parameters  []parameter `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref         string `json:"$ref"`
		Description string `json:"description"`
		Content     map[string]struct {
			Schema schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type parameter struct {
	Ref         string `json:"$ref"`
	Name        string `json:"name"`
	In          string `json:"in"`
	Required    bool   `json:"required"`
	Description string `json:"description"`
	Schema      schema `json:"schema"`
}

type schema struct {
	Ref        string            `json:"$ref"`
	Type       any               `json:"type"`
	Format     string            `json:"format"`
	Enum       []any             `json:"enum"`
	Items      *schema           `json:"items"`
	Properties map[string]schema `json:"properties"`
	Required   []string          `json:"required"`
}

func (s *Server) buildLLMText(ctx context.Context) ([]byte, error) {
	raw, err := openAPIJSON()
	if err != nil {
		return nil, err
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("server: llm.txt: openapi: %w", err)
	}
	rl := s.cfg.RateLimit.WithDefaults()
	var b strings.Builder
	b.WriteString("# Argus API\n\n")
	b.WriteString(strings.TrimSpace(doc.Info.Description) + "\n\n")
	b.WriteString("## Auth\n\n")
	b.WriteString("- Machines: `Authorization: Bearer argus_…` (an API key of the tenant; admins make them with POST /api/v1/api-keys).\n")
	b.WriteString("- People: the argus_session cookie from POST /api/v1/auth/login; cookie-authenticated writes must come from the Argus origin.\n")
	b.WriteString("- [member] routes take any key or member of the tenant, [admin] routes an admin, [public] none.\n\n")
	b.WriteString("## Errors\n\n")
	b.WriteString("application/problem+json (RFC 9457): {\"type\", \"title\", \"status\", \"detail\", \"errors\": [{\"field\", \"message\"}]}.\n")
	b.WriteString("400 bad input (fields in errors), 401 no or bad credentials, 403 role, 404 unknown id or another tenant's, 409 conflict, 422 refused by policy, 429 too many requests (Retry-After in seconds).\n")
	var limits []string
	if rl.Rate > 0 {
		limits = append(limits, fmt.Sprintf("%g requests/s, bursts of %d", rl.Rate, rl.Burst))
	}
	if rl.MaxConcurrent > 0 {
		limits = append(limits, fmt.Sprintf("%d in flight", rl.MaxConcurrent))
	}
	if len(limits) > 0 {
		fmt.Fprintf(&b, "Rate limit per client IP and per API key: %s; over it 429 with Retry-After; /healthz, /readyz and /metrics are exempt.\n", strings.Join(limits, ", "))
	}
	b.WriteString("Lists are pages: ?cursor=<next_cursor>&limit=1..200.\n\n")
	b.WriteString("## Example\n\n")
	b.WriteString("    curl -H \"Authorization: Bearer $ARGUS_API_KEY\" \"$ARGUS_SERVER/api/v1/projects\"\n")
	b.WriteString("    curl -X POST -H \"Authorization: Bearer $ARGUS_API_KEY\" -H 'Content-Type: application/json' \\\n")
	b.WriteString("         -d '{\"tags\": [\"smoke\"]}' \"$ARGUS_SERVER/api/v1/projects/$PROJECT/runs\"\n\n")
	b.WriteString("## Routes\n\n")

	routes := s.Routes()
	slices.SortStableFunc(routes, func(a, b Route) int { return strings.Compare(a.Pattern, b.Pattern) })
	for _, rt := range routes {
		fmt.Fprintf(&b, "%s %s [%s]", rt.Method, rt.Pattern, rt.Access)
		op, ok := doc.operation(rt)
		if !ok {
			b.WriteString("\n\n")
			continue
		}
		if op.Summary != "" {
			b.WriteString(" — " + op.Summary)
		}
		b.WriteString("\n")
		if op.Description != "" {
			b.WriteString("  " + strings.TrimSpace(op.Description) + "\n")
		}
		var params []string
		for _, p := range op.Parameters {
			p = doc.param(p)
			if p.In == "path" || p.Name == "" {
				continue
			}
			params = append(params, p.Name+" ("+p.In+")")
		}
		if len(params) > 0 {
			b.WriteString("  params: " + strings.Join(params, ", ") + "\n")
		}
		if op.RequestBody != nil {
			for ct, c := range op.RequestBody.Content {
				b.WriteString("  body " + ct + ": " + doc.describe(c.Schema, 0) + "\n")
			}
		}
		codes := make([]string, 0, len(op.Responses))
		for code := range op.Responses {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		for i, code := range codes {
			r := op.Responses[code]
			if strings.HasPrefix(code, "2") {
				ans := code
				for _, c := range r.Content {
					ans += " " + doc.describe(c.Schema, 1)
				}
				if len(r.Content) == 0 && r.Description != "" {
					ans += " " + r.Description
				}
				codes[i] = ans
			}
		}
		b.WriteString("  answers: " + strings.Join(codes, "; ") + "\n\n")
	}
	if s.cfg.LLMAppendix != nil {
		more, err := s.cfg.LLMAppendix(ctx)
		if err != nil {
			return nil, fmt.Errorf("server: llm.txt: %w", err)
		}
		b.WriteString(more)
	}
	return []byte(b.String()), nil
}

// operation finds rt's entry in the document.
func (d *openAPIDoc) operation(rt Route) (operation, bool) {
	var op operation
	raw, ok := d.Paths[rt.Pattern][strings.ToLower(rt.Method)]
	if !ok || json.Unmarshal(raw, &op) != nil {
		return op, false
	}
	if shared, ok := d.Paths[rt.Pattern]["parameters"]; ok {
		var ps []parameter
		if json.Unmarshal(shared, &ps) == nil {
			op.Parameters = append(ps, op.Parameters...)
		}
	}
	return op, true
}

func (d *openAPIDoc) param(p parameter) parameter {
	if p.Ref != "" {
		return d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
	}
	return p
}

// describe writes a schema compactly: objects as {field: type, …} with
// required fields marked, named schemas by name once depth runs out.
func (d *openAPIDoc) describe(sc schema, depth int) string {
	if sc.Ref != "" {
		name := strings.TrimPrefix(sc.Ref, "#/components/schemas/")
		target, ok := d.Components.Schemas[name]
		if !ok || depth > 0 || len(target.Properties) == 0 {
			return name
		}
		return name + " " + d.describe(target, depth+1)
	}
	switch {
	case len(sc.Properties) > 0 && depth <= 1:
		names := make([]string, 0, len(sc.Properties))
		for n := range sc.Properties {
			names = append(names, n)
		}
		slices.Sort(names)
		parts := make([]string, 0, len(names))
		for _, n := range names {
			mark := ""
			if slices.Contains(sc.Required, n) {
				mark = "*"
			}
			parts = append(parts, n+mark+": "+d.describe(sc.Properties[n], depth+1))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case sc.Items != nil:
		return "[" + d.describe(*sc.Items, depth) + "]"
	case len(sc.Enum) > 0:
		vals := make([]string, len(sc.Enum))
		for i, v := range sc.Enum {
			vals[i] = fmt.Sprint(v)
		}
		return strings.Join(vals, "|")
	}
	t := fmt.Sprint(sc.Type)
	if sc.Type == nil {
		t = "object"
	}
	if sc.Format != "" {
		t += "(" + sc.Format + ")"
	}
	return t
}
