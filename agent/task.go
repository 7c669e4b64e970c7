package agent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/totp"
	"github.com/argusqa/argus/suite"
)

// Task is one test to carry out, with everything the agent needs and
// nothing it should not have.
type Task struct {
	// Name of the test, for summaries and records.
	Name string
	// BaseURL is the application's base; relative navigations resolve
	// against it.
	BaseURL string
	// StartURL is where the agent starts: absolute, or relative to BaseURL.
	StartURL string
	// Goal is the test in plain language. Empty for step-only tests.
	Goal string
	// Steps are explicit steps, run before the goal is pursued.
	Steps []suite.Step
	// Checkpoints must each be verified on the page for a pass.
	Checkpoints []string
	// Secrets are the values behind {{secret.NAME}} placeholders. They
	// reach the browser only.
	Secrets map[string]string
	// Uploads are the local files the agent may put into file inputs, by
	// absolute path. The model sees their base names only.
	Uploads []string
	// Replay, when set, is tried first: a saved passing run of this test.
	Replay *Replay
	// Inbox is the agent's mailbox for tests that use email
	// (suite.Test.UsesEmail); nil otherwise.
	Inbox *Inbox
	// Key identifies the test's content (suite.Test.Hash); a replay saved
	// under another key is ignored.
	Key string
	// Persona, when set, is who the test runs as. Its browser identity is
	// the provider's business (browser.AcquireOptions.Identity); the agent
	// tells the model who it is and which placeholders hold its
	// credentials.
	Persona *Persona
	// Role, when set, is the prompt role the model works in: its text
	// joins the system prompt, and the start step records its name.
	Role *suite.Role
	// Vars are the values earlier tests of a plan remembered, already
	// written into Steps and Goal; the model is told their names and
	// values so it can use them.
	Vars map[string]string
	// Remember offers the model the remember tool: the task is a node of
	// a plan whose later tests may use the values it keeps.
	Remember bool
}

// Identity is what the browser presents for the persona; zero for none.
func (p *Persona) Identity() browser.Identity {
	if p == nil {
		return browser.Identity{}
	}
	return browser.Identity{Locale: p.Locale, Timezone: p.Timezone, UserAgent: p.UserAgent}
}

// Persona is the identity a test runs as, as the model may know it: plain
// facts, and the names of the secrets behind its password and one-time
// codes, never their values.
type Persona struct {
	Name, DisplayName, Email, Username string
	// PasswordSecret and TOTPSecret name entries of Task.Secrets.
	PasswordSecret, TOTPSecret string
	// Locale, Timezone and UserAgent are what the browser presents.
	Locale, Timezone, UserAgent string
}

// ErrNoModel is returned by Run for a test that needs a model (a goal and
// no steps or usable replay) when none is configured.
var ErrNoModel = errors.New("this test needs a language model: set ARGUS_MODEL (for example gemini:gemini-2.5-flash) or give it explicit steps")

// TaskFromTest builds a Task from a parsed test file entry. dir is the
// directory of the test file, against which upload paths resolve.
func TaskFromTest(t *suite.Test, baseURL, dir string, secrets map[string]string) (Task, error) {
	start, err := suite.ResolveURL(baseURL, t.URL)
	if err != nil {
		return Task{}, fmt.Errorf("test %q: %w", t.Name, err)
	}
	task := Task{
		Name: t.Name, BaseURL: baseURL, StartURL: start, Goal: t.Goal,
		Steps: t.Steps, Checkpoints: t.Checkpoints, Secrets: secrets, Key: t.Hash(),
	}
	for _, name := range t.Secrets() {
		if _, ok := secrets[name]; !ok {
			return Task{}, fmt.Errorf("test %q uses {{secret.%s}}, which is not set: give it with %s or --secret %s=…", t.Name, name, SecretEnvVar(name), name)
		}
	}
	for i, st := range t.Steps {
		if st.Verb == suite.VerbTypeTOTP {
			name := st.Secrets()[0]
			if _, err := totp.Parse(secrets[name]); err != nil {
				return Task{}, fmt.Errorf("test %q step %d: {{secret.%s}} does not hold a TOTP seed (an otpauth:// URL or a base32 seed): %w", t.Name, i+1, name, err)
			}
		}
		if st.Verb == suite.VerbUpload {
			p := st.Value
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			if _, err := os.Stat(p); err != nil {
				return Task{}, fmt.Errorf("test %q step %d: upload file: %w", t.Name, i+1, err)
			}
			task.Steps[i].Value = p
			task.Uploads = append(task.Uploads, p)
		}
	}
	return task, nil
}

// SecretEnvVar is the environment variable that carries a secret for the
// CLI: ARGUS_SECRET_ and the name in upper case, dots and dashes as
// underscores ({{secret.demo_password}} → ARGUS_SECRET_DEMO_PASSWORD).
func SecretEnvVar(secret string) string {
	return "ARGUS_SECRET_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(secret))
}

func (t *Task) validate() error {
	if strings.TrimSpace(t.Name) == "" {
		return errors.New("task has no name")
	}
	if p := t.Persona; p != nil {
		for _, name := range []string{p.PasswordSecret, p.TOTPSecret} {
			if _, ok := t.Secrets[name]; name != "" && !ok {
				return fmt.Errorf("persona %q uses secret %q, which is not set", p.Name, name)
			}
		}
	}
	if t.Goal == "" && len(t.Steps) == 0 {
		return fmt.Errorf("test %q has neither a goal nor steps", t.Name)
	}
	for i, s := range t.Steps {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("test %q step %d: %w", t.Name, i+1, err)
		}
	}
	return nil
}
