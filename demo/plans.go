package demo

import "github.com/argusqa/argus/agent/llm/scripted"

// Plans are what a good model does for the demo suite's goal-only tests,
// by test name: the runner benchmarks time the agent with them, and
// argus calibrate records replays with them when no model is configured.
func Plans() map[string][]scripted.Intent {
	return map[string][]scripted.Intent{
		"Sign up with a new account": {
			{Tool: "click", Target: "Create an account"},
			{Tool: "type", Target: "Name", Args: map[string]any{"text": "Grace Hopper"}},
			{Tool: "type", Target: "Email", Args: map[string]any{"text": "grace@example.com"}},
			{Tool: "type", Target: "Password", Args: map[string]any{"text": "cobol-1959-rules"}},
			{Tool: "type", Target: "Confirm password", Args: map[string]any{"text": "cobol-1959-rules"}},
			{Tool: "click", Target: "Create account"},
			{Tool: "assert", Args: map[string]any{"check": "text", "value": "Grace Hopper", "checkpoint": "the dashboard greets the new user by the name used to sign up"}},
			{Tool: "assert", Args: map[string]any{"check": "text", "value": "ready", "checkpoint": "the dashboard says the account is ready"}},
			{Tool: "finish", Args: map[string]any{"verdict": "passed", "summary": "Signed up as Grace Hopper and landed on the dashboard."}},
		},
		"Find the price of the ergonomic mouse": {
			{Tool: "click", Target: "Browse products"},
			{Tool: "type", Target: "Search products", Args: map[string]any{"text": "mouse"}},
			{Tool: "wait_for", Args: map[string]any{"url": "q=mouse"}},
			{Tool: "assert", Args: map[string]any{"check": "text", "value": "€45.90", "checkpoint": "the search results show the Ergonomic mouse with its price, €45.90"}},
			{Tool: "finish", Args: map[string]any{"verdict": "passed", "summary": "The Ergonomic mouse costs €45.90."}},
		},
	}
}
