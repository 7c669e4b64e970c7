package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/store"
)

// Ranking by a model: the model reads the change (paths, commit messages)
// and every test (name, goal, steps, tags, covers: globs) and calls one
// tool with the tests to run, most likely broken first, each with a
// reason. Its answer is checked against the project's tests; anything it
// gets wrong falls back to the deterministic matching, with the reason
// recorded, so a selection never depends on the model being right.

// Bounds of the model's prompt, so a large suite or change stays one call.
const (
	selectModelMaxTests   = 300
	selectModelMaxFiles   = 300
	selectModelMaxCommits = 50
	selectModelMaxSteps   = 12
	selectModelMaxText    = 300
	selectModelMaxReason  = 200
	// selectModelTimeout bounds the model's part of a selection request,
	// retries included; past it the rules choose.
	selectModelTimeout = 90 * time.Second
)

const selectToolName = "select_tests"

const selectSystemPrompt = `You choose which end-to-end tests of a web application to run for a code change.
You get the change (changed paths and commit messages) and the project's tests (name, goal, steps, tags, and
covers: globs naming the repository paths a test checks). Pick the tests the change could break, most likely
first, at most the number you are told. A test whose covers: glob matches a changed path is a strong candidate;
judge the rest from what the change touches and what each test does. Pick none when nothing could be affected.
Give each pick a reason of one short sentence naming what in the change affects it. Answer only by calling
` + selectToolName + ` once.`

// rankByModel asks the model for at most limit of tests; the picks are
// returned in the model's order.
func rankByModel(ctx context.Context, m llm.Model, tests []*store.Test, req *SelectRequest) ([]Selected, error) {
	if len(tests) > selectModelMaxTests {
		return nil, fmt.Errorf("the project has %d tests, more than the %d a model ranks", len(tests), selectModelMaxTests)
	}
	ctx, cancel := context.WithTimeout(ctx, selectModelTimeout)
	defer cancel()
	tool := llm.Tool{Name: selectToolName, Description: "The tests to run for the change, most likely broken first.",
		Parameters: json.RawMessage(fmt.Sprintf(`{"type":"object","properties":{"tests":{"type":"array","maxItems":%d,
			"items":{"type":"object","properties":{"name":{"type":"string","description":"the test's name, exactly"},
			"reason":{"type":"string","description":"one short sentence"}},"required":["name","reason"]}}},"required":["tests"]}`, req.Limit))}
	resp, err := m.Generate(ctx, &llm.Request{
		System:     selectSystemPrompt,
		Messages:   []llm.Message{{Role: llm.RoleUser, Parts: []llm.Part{{Text: selectPrompt(tests, req)}}}},
		Tools:      []llm.Tool{tool},
		ToolChoice: llm.ToolChoiceRequired,
	})
	if err != nil {
		return nil, err
	}
	var call *llm.ToolCall
	for i := range resp.ToolCalls {
		if resp.ToolCalls[i].Name == selectToolName {
			call = &resp.ToolCalls[i]
			break
		}
	}
	if call == nil {
		return nil, errors.New("the model did not call " + selectToolName)
	}
	var args struct {
		Tests []struct{ Name, Reason string }
	}
	if err := json.Unmarshal(call.Args, &args); err != nil {
		return nil, fmt.Errorf("the model's %s arguments: %w", selectToolName, err)
	}
	byName := make(map[string]*store.Test, len(tests))
	for _, t := range tests {
		byName[t.Name] = t
	}
	var out []Selected
	seen := map[string]bool{}
	for _, pick := range args.Tests {
		t := byName[strings.TrimSpace(pick.Name)]
		reason := strings.TrimSpace(pick.Reason)
		switch {
		case t == nil:
			return nil, fmt.Errorf("the model picked %q, which is not one of the project's tests", firstLine(pick.Name))
		case reason == "":
			return nil, fmt.Errorf("the model gave no reason for %q", t.Name)
		case seen[t.Name]:
			continue
		}
		seen[t.Name] = true
		out = append(out, Selected{Test: t, Reason: firstLine(truncate(reason, selectModelMaxReason))})
		if len(out) == req.Limit {
			break
		}
	}
	return out, nil
}

// selectPrompt is the change and the tests as the model reads them.
func selectPrompt(tests []*store.Test, req *SelectRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Pick at most %d tests.\n\nChanged paths (%d):\n", req.Limit, len(req.Files))
	for i, f := range req.Files {
		if i == selectModelMaxFiles {
			fmt.Fprintf(&b, "… and %d more\n", len(req.Files)-i)
			break
		}
		b.WriteString("- " + f + "\n")
	}
	if len(req.Commits) > 0 {
		fmt.Fprintf(&b, "\nCommit messages (%d):\n", len(req.Commits))
		for i, c := range req.Commits {
			if i == selectModelMaxCommits {
				fmt.Fprintf(&b, "… and %d more\n", len(req.Commits)-i)
				break
			}
			b.WriteString("- " + firstLine(c.Message) + "\n")
		}
	}
	fmt.Fprintf(&b, "\nTests (%d):\n", len(tests))
	for _, t := range tests {
		fmt.Fprintf(&b, "\n## %s\n", t.Name)
		if t.Goal != "" {
			b.WriteString("goal: " + truncate(t.Goal, selectModelMaxText) + "\n")
		}
		for i, st := range t.Steps {
			if i == selectModelMaxSteps {
				fmt.Fprintf(&b, "  … %d more steps\n", len(t.Steps)-i)
				break
			}
			b.WriteString("  step: " + truncate(st, selectModelMaxText) + "\n")
		}
		if len(t.Tags) > 0 {
			b.WriteString("tags: " + strings.Join(t.Tags, ", ") + "\n")
		}
		if len(t.Covers) > 0 {
			b.WriteString("covers: " + strings.Join(t.Covers, ", ") + "\n")
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
