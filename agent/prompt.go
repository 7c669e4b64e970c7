package agent

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/argusqa/argus/browser"
)

// systemPrompt tells the model what it is for. It leans against false
// success: the most common failure of AI testers is working around a broken
// flow and reporting a pass.
const systemPrompt = `You are Argus, a meticulous QA tester. You test a web application in a real browser by calling tools, one small step at a time, and you end with a verdict a QA engineer can trust.

How you work:
- Each turn you get the current page: its URL, title, the interactive elements as "[index] role "name" …" lines, and its visible text. Act on elements by their index from the latest observation only.
- Call one tool per turn unless the actions are independent (for example filling several fields of one form).
- Secrets appear as placeholders like {{secret.password}}. Type the placeholder; never ask for or guess the value. When a page asks for a one-time code from an authenticator app, type {{totp.NAME}} for a secret listed with one; the current code is filled in.
- Follow the test as written. Do not take shortcuts the test does not allow: do not type URLs to skip a broken step, do not retry with made-up data to get past a validation error the test did not expect.
- Checkpoints are things that must be observed. Verify each one with the assert tool at the moment it is true; Argus checks it on the page itself. A checkpoint you did not verify with assert does not count.
- Console errors and failed requests are evidence. Mention them when they explain a problem.

How you finish:
- finish with verdict "passed" only when everything the test asks for happened and every checkpoint was verified.
- finish with verdict "failed" when the application does not do what the test says: an error message, a page that does not respond, a missing result, a broken link. Say what you did, what you expected and what happened instead, naming the page.
- When in doubt, the verdict is "failed", with the reason. Never report "passed" for something you did not see.`

// systemPrompt is the base prompt, and the task's role after it.
func (at *attempt) systemPrompt() string {
	if at.task.Role == nil {
		return systemPrompt
	}
	return systemPrompt + "\n\n" + at.task.Role.Prompt + "\nWhatever the role asks, you end with finish: passed or failed, and every finding you report is one you verified on the page with assert."
}

// taskPrompt is the first user message: the test itself.
func (at *attempt) taskPrompt(context string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Test: %s\n", at.task.Name)
	fmt.Fprintf(&b, "Application: %s\n", at.task.BaseURL)
	if at.task.Goal != "" {
		fmt.Fprintf(&b, "Goal:\n%s\n", at.task.Goal)
	}
	if len(at.task.Steps) > 0 {
		b.WriteString("Steps the test describes:\n")
		for i, s := range at.task.Steps {
			fmt.Fprintf(&b, "%d. %s\n", i+1, s)
		}
	}
	if len(at.task.Checkpoints) > 0 {
		b.WriteString("Checkpoints (verify each with assert):\n")
		for _, c := range at.task.Checkpoints {
			fmt.Fprintf(&b, "- %s\n", c)
		}
	}
	if p := at.task.Persona; p != nil {
		b.WriteString(personaPrompt(p))
	}
	if len(at.task.Vars) > 0 {
		b.WriteString("Values remembered by the tests this one needs (already written into the steps and goal):\n")
		for _, n := range sortedKeys(at.task.Vars) {
			fmt.Fprintf(&b, "- {{vars.%s}} = %q\n", n, at.task.Vars[n])
		}
	}
	if at.task.Remember {
		b.WriteString("This test is part of a plan: keep values later tests need (an order number, an id) with the remember tool.\n")
	}
	if len(at.task.Secrets) > 0 {
		fmt.Fprintf(&b, "Secrets you may type: %s\n", at.sec.names())
	}
	if at.task.Inbox != nil {
		fmt.Fprintf(&b, "Your own mail address: %s (type {{email.address}}); read what the application sends it with read_email.\n", at.task.Inbox.Address)
	}
	if len(at.task.Uploads) > 0 {
		names := make([]string, len(at.task.Uploads))
		for i, p := range at.task.Uploads {
			names[i] = filepath.Base(p)
		}
		fmt.Fprintf(&b, "Files you may upload: %s\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(&b, "Budget: %d iterations.\n", at.cfg.MaxIterations)
	if context != "" {
		b.WriteString("\n" + context + "\n")
	}
	return at.sec.forModel(b.String())
}

// observationPrompt is the page as the model sees it this turn, with what
// is new in the console and network, and the checkpoints still open.
func (at *attempt) observationPrompt(obs *browser.Observation, news string, note string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Iteration %d of %d.\n", at.res.Iterations+1, at.cfg.MaxIterations)
	if note != "" {
		b.WriteString(note + "\n")
	}
	if news != "" {
		b.WriteString("Since the last action: " + news + "\n")
	}
	var open []string
	for _, c := range at.checkpoints {
		if !c.Verified {
			open = append(open, c.Checkpoint)
		}
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, "Checkpoints not yet verified: %s\n", strings.Join(open, "; "))
	}
	b.WriteString("\n")
	b.WriteString(obs.Render())
	return at.sec.forModel(b.String())
}

// personaPrompt says who the agent is acting as: the facts a person would
// type, and the placeholders of the credentials.
func personaPrompt(p *Persona) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You act as the persona %q", p.Name)
	if p.DisplayName != "" {
		fmt.Fprintf(&b, ", %s", p.DisplayName)
	}
	b.WriteString(".\n")
	if p.Username != "" {
		fmt.Fprintf(&b, "- sign in as: %s\n", p.Username)
	}
	if p.Email != "" {
		fmt.Fprintf(&b, "- email address: %s\n", p.Email)
	}
	if p.PasswordSecret != "" {
		fmt.Fprintf(&b, "- password: {{secret.%s}}\n", p.PasswordSecret)
	}
	if p.TOTPSecret != "" {
		fmt.Fprintf(&b, "- one-time code from the authenticator app: {{totp.%s}}\n", p.TOTPSecret)
	}
	if p.Locale != "" || p.Timezone != "" {
		fmt.Fprintf(&b, "- the browser is set to language %q and time zone %q; expect the application in that language\n", p.Locale, p.Timezone)
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
