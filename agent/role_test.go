package agent_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/suite"
)

// seenModel records what the agent asked of the model it wraps.
type seenModel struct {
	llm.Model
	mu     sync.Mutex
	system []string
	tools  [][]string
}

func (m *seenModel) Generate(ctx context.Context, req *llm.Request) (*llm.Response, error) {
	m.mu.Lock()
	m.system = append(m.system, req.System)
	var names []string
	for _, tl := range req.Tools {
		names = append(names, tl.Name)
	}
	m.tools = append(m.tools, names)
	m.mu.Unlock()
	return m.Model.Generate(ctx, req)
}

// TestRoleJoinsTheSystemPrompt: a task's role adds its text to the system
// prompt and is named in the start step's record; the verdict still needs
// a verified check, whatever the role; the remember tool is offered to a
// plan's test only.
func TestRoleJoinsTheSystemPrompt(t *testing.T) {
	t.Parallel()
	role, _ := suite.BuiltinRole("ux-auditor")
	for _, c := range []struct {
		name     string
		task     agent.Task
		steps    int
		verdict  agent.Verdict
		remember bool
	}{
		{"role and a verified finding", agent.Task{Goal: "Judge the settings form.", Role: &role}, 2, agent.VerdictPassed, false},
		{"role and prose only", agent.Task{Goal: "Judge the settings form.", Role: &role}, 1, agent.VerdictFailed, false},
		{"plan test without role", agent.Task{Goal: "Judge the settings form.", Remember: true}, 2, agent.VerdictPassed, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			steps := []scripted.Step{
				call("assert", map[string]any{"check": "text", "value": "Display name"}),
				call("finish", map[string]any{"verdict": "passed", "summary": "Labels are clear."}),
			}[2-c.steps:]
			if c.steps == 1 {
				// A role's prose is no evidence: the unproven pass is
				// refused, then ends failed.
				steps = append(steps, call("finish", map[string]any{"verdict": "passed", "summary": "Looks fine."}))
			}
			m := &seenModel{Model: scriptedModel(t, steps...)}
			a, err := agent.New(agent.Config{Model: m})
			if err != nil {
				t.Fatal(err)
			}
			var first agent.Step
			rec := agent.RecorderFunc(func(_ context.Context, s agent.Step) error {
				if s.Index == 0 {
					first = s
				}
				return nil
			})
			task := c.task
			task.Name, task.BaseURL, task.StartURL, task.Key = "Judge settings", appBase, settingsURL, "k"
			res, err := a.Run(t.Context(), browsertest.NewFakeSession(settingsPages()), task, rec)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != c.verdict {
				t.Errorf("verdict %s (%s), want %s", res.Verdict, res.Summary, c.verdict)
			}
			hasRole := strings.Contains(m.system[0], role.Prompt)
			if hasRole != (c.task.Role != nil) || !strings.HasPrefix(m.system[0], "You are Argus") {
				t.Errorf("system prompt (role %v): %q", c.task.Role != nil, m.system[0])
			}
			if got, _ := first.Args["role"].(string); (got == "ux-auditor") != (c.task.Role != nil) {
				t.Errorf("start step args: %v", first.Args)
			}
			if slices.Contains(m.tools[0], "remember") != c.remember {
				t.Errorf("tools: %v", m.tools[0])
			}
		})
	}
}
