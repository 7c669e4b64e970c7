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
		"Confirm a new account from the confirmation mail": {
			{Tool: "click", Target: "Create an account"},
			{Tool: "type", Target: "Name", Args: map[string]any{"text": "Grace Hopper"}},
			{Tool: "type", Target: "Email", Args: map[string]any{"text": "{{email.address}}"}},
			{Tool: "type", Target: "Password", Args: map[string]any{"text": "cobol-1959-rules"}},
			{Tool: "type", Target: "Confirm password", Args: map[string]any{"text": "cobol-1959-rules"}},
			{Tool: "click", Target: "Create account"},
			{Tool: "assert", Args: map[string]any{"check": "text", "value": "We sent a confirmation link", "checkpoint": "the shop says it sent a confirmation link"}},
			{Tool: "read_email", Args: map[string]any{"subject": "Confirm your email"}},
			{Tool: "navigate", Args: map[string]any{"url": "{{email.link.1}}"}},
			{Tool: "assert", Args: map[string]any{"check": "text", "value": "Your email is confirmed.", "checkpoint": "after following the mail's link the shop says the email is confirmed"}},
			{Tool: "finish", Args: map[string]any{"verdict": "passed", "summary": "Signed up with the test mailbox address and confirmed it from the mail's link."}},
		},
		"Sign in to the account with two-step verification": {
			{Tool: "type", Target: "Email", Args: map[string]any{"text": "2fa@example.com"}},
			{Tool: "type", Target: "Password", Args: map[string]any{"text": "{{secret.demo_password}}", "submit": true}},
			{Tool: "type", Target: "Code", Args: map[string]any{"text": "{{totp.demo_totp}}", "submit": true}},
			{Tool: "assert", Args: map[string]any{"check": "text", "value": "Welcome back, Secure Demo!", "checkpoint": "the dashboard welcomes Secure Demo"}},
			{Tool: "finish", Args: map[string]any{"verdict": "passed", "summary": "Logged in with the password and the authenticator's current code."}},
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
