package mcp

import (
	"context"
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// tools holds the tool handlers; each finds its Backend per call.
type tools struct{ cfg Config }

// RunInput names a run.
type RunInput struct {
	RunID string `json:"run_id" jsonschema:"the run's id, as run_tests returned it"`
}

// AgentInput names an agent.
type AgentInput struct {
	AgentID string `json:"agent_id" jsonschema:"the agent's id (one test within a run), from run_tests or get_run"`
	// Screenshots says which steps' screenshots come as images.
	Screenshots string `json:"screenshots,omitempty" jsonschema:"which screenshots to attach as images: last (default; the failing step's when one failed), all, or none"`
}

// TestList is list_tests' and save_test's answer.
type TestList struct {
	Tests []Test `json:"tests"`
}

// maxImages bounds the screenshots one answer carries.
const maxImages = 20

func (t *tools) register(s *sdk.Server) {
	ro := &sdk.ToolAnnotations{ReadOnlyHint: true}
	sdk.AddTool(s, &sdk.Tool{Name: "list_tests", Annotations: ro,
		Description: "List the tests (name, start URL, goal, steps, tags), optionally filtered by tags or a search text."}, t.listTests)
	sdk.AddTool(s, &sdk.Tool{Name: "run_tests",
		Description: "Run tests by name or tag (all when neither is given), or one ad-hoc test from a goal and/or steps and a URL. Waits for the verdicts and sends progress notifications; cancelling the call cancels the run. Verdicts: passed, failed (the app is wrong), error (Argus could not tell)."}, t.runTests)
	sdk.AddTool(s, &sdk.Tool{Name: "get_run", Annotations: ro,
		Description: "A run's status and its agents (one per test) with verdicts and summaries."}, t.getRun)
	sdk.AddTool(s, &sdk.Tool{Name: "get_agent", Annotations: ro,
		Description: "One test's execution: every step with its action and outcome, and screenshots as images."}, t.getAgent)
	sdk.AddTool(s, &sdk.Tool{Name: "save_test",
		Description: "Save a YAML test file (Argus's test-file format). It is checked with the same rules as `argus run`; problems name the line. Tests are matched by name: an existing test of the same name is updated."}, t.saveTest)
	sdk.AddTool(s, &sdk.Tool{Name: "explain_failure", Annotations: ro,
		Description: "Why a test failed or ended in error: the failing step, the evidence (outcomes, console errors, failed requests), the checkpoints, and the screenshot of the failing step, as text to act on."}, t.explainFailure)
}

func (t *tools) backend(ctx context.Context, req *sdk.CallToolRequest) (Backend, error) {
	return t.cfg.Backend(ctx, req)
}

func (t *tools) listTests(ctx context.Context, req *sdk.CallToolRequest, in ListTestsInput) (*sdk.CallToolResult, TestList, error) {
	b, err := t.backend(ctx, req)
	if err != nil {
		return nil, TestList{}, err
	}
	tests, err := b.ListTests(ctx, in)
	if err != nil {
		return nil, TestList{}, err
	}
	if tests == nil {
		tests = []Test{}
	}
	return nil, TestList{Tests: tests}, nil
}

func (t *tools) runTests(ctx context.Context, req *sdk.CallToolRequest, in RunTestsInput) (*sdk.CallToolResult, *Run, error) {
	b, err := t.backend(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	token := req.Params.GetProgressToken()
	progress := func(p Progress) {
		if token == nil {
			return
		}
		// A client that went away must not stop the run's bookkeeping.
		if err := req.Session.NotifyProgress(ctx, &sdk.ProgressNotificationParams{ProgressToken: token,
			Progress: float64(p.Done), Total: float64(p.Total), Message: p.Message}); err != nil {
			t.cfg.Logger.Debug("mcp: progress notification", "error", err)
		}
	}
	run, err := b.RunTests(ctx, in, progress)
	if err != nil {
		return nil, nil, err
	}
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: runText(run)}}}, run, nil
}

func (t *tools) getRun(ctx context.Context, req *sdk.CallToolRequest, in RunInput) (*sdk.CallToolResult, *Run, error) {
	b, err := t.backend(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	run, err := b.GetRun(ctx, in.RunID)
	if err != nil {
		return nil, nil, err
	}
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: runText(run)}}}, run, nil
}

func (t *tools) getAgent(ctx context.Context, req *sdk.CallToolRequest, in AgentInput) (*sdk.CallToolResult, *Agent, error) {
	b, err := t.backend(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	ag, err := b.GetAgent(ctx, in.AgentID)
	if err != nil {
		return nil, nil, err
	}
	var pick []Step
	switch strings.ToLower(strings.TrimSpace(in.Screenshots)) {
	case "", "last":
		if s := shownStep(ag); s != nil {
			pick = []Step{*s}
		}
	case "all":
		for _, s := range ag.Steps {
			if s.HasScreenshot {
				pick = append(pick, s)
			}
		}
	case "none":
	default:
		return nil, nil, fmt.Errorf("screenshots: say last, all or none, not %q", in.Screenshots)
	}
	content := []sdk.Content{&sdk.TextContent{Text: agentText(ag)}}
	content = append(content, t.images(ctx, b, ag, pick)...)
	return &sdk.CallToolResult{Content: content}, ag, nil
}

// images loads the screenshots of steps as image content; one that cannot
// be read is said in text instead.
func (t *tools) images(ctx context.Context, b Backend, ag *Agent, steps []Step) []sdk.Content {
	var out []sdk.Content
	if len(steps) > maxImages {
		steps = steps[len(steps)-maxImages:]
		out = append(out, &sdk.TextContent{Text: fmt.Sprintf("(only the last %d screenshots are attached)", maxImages)})
	}
	for _, s := range steps {
		data, mime, err := b.Screenshot(ctx, ag.ID, s.Attempt, s.Index)
		if err != nil {
			out = append(out, &sdk.TextContent{Text: fmt.Sprintf("screenshot of step %d: %v", s.Index, err)})
			continue
		}
		out = append(out, &sdk.TextContent{Text: fmt.Sprintf("screenshot after step %d (%s):", s.Index, s.Action)},
			&sdk.ImageContent{Data: data, MIMEType: mime})
	}
	return out
}

// shownStep is the step whose screenshot best shows how the agent ended:
// the failing one's, else the last one with a screenshot.
func shownStep(ag *Agent) *Step {
	if ag.FailedStep != nil {
		for i := range ag.Steps {
			if ag.Steps[i].Index == *ag.FailedStep && ag.Steps[i].HasScreenshot {
				return &ag.Steps[i]
			}
		}
	}
	for i := len(ag.Steps) - 1; i >= 0; i-- {
		if ag.Steps[i].HasScreenshot {
			return &ag.Steps[i]
		}
	}
	return nil
}

func (t *tools) saveTest(ctx context.Context, req *sdk.CallToolRequest, in SaveTestInput) (*sdk.CallToolResult, TestList, error) {
	b, err := t.backend(ctx, req)
	if err != nil {
		return nil, TestList{}, err
	}
	tests, err := b.SaveTest(ctx, in)
	if err != nil {
		return nil, TestList{}, err
	}
	return nil, TestList{Tests: tests}, nil
}

func (t *tools) explainFailure(ctx context.Context, req *sdk.CallToolRequest, in AgentInput) (*sdk.CallToolResult, any, error) {
	b, err := t.backend(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	ag, err := b.GetAgent(ctx, in.AgentID)
	if err != nil {
		return nil, nil, err
	}
	content := []sdk.Content{&sdk.TextContent{Text: explain(ag)}}
	if s := shownStep(ag); s != nil && ag.Status != "passed" {
		content = append(content, t.images(ctx, b, ag, []Step{*s})...)
	}
	return &sdk.CallToolResult{Content: content}, nil, nil
}
