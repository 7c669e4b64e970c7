package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/argusqa/argus/agent/llm"
)

// MaxFlows caps the journeys one flows phase keeps.
const MaxFlows = 10

// Flow is a main user journey the model found in the map: a sequence of
// mapped pages and what a person does and checks along it.
type Flow struct {
	Name string `json:"name"`
	// Pages are the mapped pages the journey passes, in order; the first
	// is where it starts.
	Pages       []string `json:"pages"`
	Goal        string   `json:"goal"`
	Checkpoints []string `json:"checkpoints,omitempty"`
}

const flowsTool = "suggest_flows"

const flowsSystem = `You are a QA engineer planning end-to-end tests of a web application.
You are given the map of the application that a crawler made: its pages, the links between them, its forms with their fields, and the pages that need a sign-in.
Name the main user journeys a person takes through it (signing up, signing in, searching, buying, changing a profile, …), at most 10, each as:
- name: a short test title;
- pages: the paths of the mapped pages the journey passes, in order, starting where it starts (only paths from the map);
- goal: what to do and check, in plain language, for an agent that drives a browser; refer to a password only by the placeholder you are given;
- checkpoints: 1 to 5 things that must be observed for the journey to count as working.
Call the tool ` + flowsTool + ` once with every journey.`

// flowsToolSchema is the tool's JSON Schema.
var flowsToolSchema = json.RawMessage(`{"type":"object","required":["flows"],"properties":{"flows":{"type":"array","maxItems":10,"items":{"type":"object","required":["name","pages","goal"],"properties":{"name":{"type":"string"},"pages":{"type":"array","items":{"type":"string"}},"goal":{"type":"string"},"checkpoints":{"type":"array","items":{"type":"string"}}}}}}}`)

// findFlows is the flows phase: the model reads the map (never a page's
// content, never a secret) and names the journeys; those that start on a
// mapped page and pass only mapped pages are kept.
func findFlows(ctx context.Context, model llm.Model, res *Result) ([]Flow, llm.Usage, error) {
	req := &llm.Request{
		System:     flowsSystem,
		Messages:   []llm.Message{{Role: llm.RoleUser, Parts: []llm.Part{llm.Text(mapSummary(res))}}},
		Tools:      []llm.Tool{{Name: flowsTool, Description: "Report the application's main user journeys.", Parameters: flowsToolSchema}},
		ToolChoice: llm.ToolChoiceRequired,
	}
	resp, err := model.Generate(ctx, req)
	if err != nil {
		return nil, llm.Usage{}, fmt.Errorf("discovery: flows: %w", err)
	}
	for _, c := range resp.ToolCalls {
		if c.Name != flowsTool {
			continue
		}
		var args struct {
			Flows []Flow `json:"flows"`
		}
		if err := json.Unmarshal(c.Args, &args); err != nil {
			return nil, resp.Usage, fmt.Errorf("discovery: flows: the model's %s arguments: %w", flowsTool, err)
		}
		return keepFlows(res.Map, args.Flows), resp.Usage, nil
	}
	return nil, resp.Usage, errors.New("discovery: flows: the model did not call " + flowsTool)
}

// keepFlows keeps well-formed journeys over mapped pages, at most MaxFlows.
func keepFlows(m *Map, in []Flow) []Flow {
	var out []Flow
	for _, f := range in {
		f.Name, f.Goal = strings.TrimSpace(f.Name), strings.TrimSpace(f.Goal)
		if f.Name == "" || len(f.Name) > 200 || f.Goal == "" || len(f.Goal) > 4000 || len(f.Pages) == 0 || len(out) == MaxFlows {
			continue
		}
		mapped := true
		for _, p := range f.Pages {
			mapped = mapped && m.Page(p) != nil
		}
		if !mapped {
			continue
		}
		var cps []string
		for _, c := range f.Checkpoints {
			if c = strings.TrimSpace(c); c != "" && len(c) <= 500 && len(cps) < 5 {
				cps = append(cps, c)
			}
		}
		f.Checkpoints = cps
		out = append(out, f)
	}
	return out
}

// mapSummary is the map as the model reads it: paths, titles, headings,
// links, forms and their fields, and walls.
func mapSummary(res *Result) string {
	m := res.Map
	var b strings.Builder
	fmt.Fprintf(&b, "Application: %s\n\nPages:\n", m.BaseURL)
	walls := map[string]string{}
	for _, w := range m.AuthWalls {
		walls[w.Path] = w.SignIn
	}
	for _, p := range m.Pages {
		fmt.Fprintf(&b, "- %s", p.Path)
		if p.Title != "" {
			fmt.Fprintf(&b, " %q", p.Title)
		}
		if len(p.Headings) > 0 {
			fmt.Fprintf(&b, " headings: %s", strings.Join(p.Headings, " | "))
		}
		if s, ok := walls[p.Path]; ok {
			fmt.Fprintf(&b, " (needs sign-in at %s)", s)
		}
		b.WriteString("\n")
		for _, f := range p.Forms {
			fmt.Fprintf(&b, "  form %q (%s, %s)", f.Name, f.Kind, f.Method)
			if f.Destructive {
				b.WriteString(" looks destructive")
			}
			b.WriteString(": ")
			for i, fd := range f.Fields {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s [%s]", cmpOr(fd.Label, fd.Name), fd.Type)
				if fd.Required {
					b.WriteString(" required")
				}
			}
			if len(f.Submits) > 0 {
				fmt.Fprintf(&b, "; buttons: %s", strings.Join(f.Submits, ", "))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nLinks (from → to \"text\"):\n")
	for _, l := range m.Links {
		fmt.Fprintf(&b, "- %s → %s %q\n", l.From, l.To, l.Text)
	}
	if si := res.SignIn; si != nil {
		fmt.Fprintf(&b, "\nA test user signs in at %s with the username %q and the password {{secret.%s}}.\n", si.Path, si.Username, si.Secret)
	}
	return b.String()
}

// flowSuggestions turns journeys into goal-and-checkpoint tests (a model
// runs them; they become replays once they pass).
func flowSuggestions(fs []Flow) []Suggestion {
	out := make([]Suggestion, 0, len(fs))
	for _, f := range fs {
		out = append(out, Suggestion{Name: f.Name, URL: f.Pages[0], Goal: f.Goal, Checkpoints: f.Checkpoints,
			Tags: []string{"discovered", "flow"}, Why: "journey " + strings.Join(f.Pages, " → ")})
	}
	return out
}
