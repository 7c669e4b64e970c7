package suite

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Limits and defaults of a test. Each is also stated in docs/test-files.md
// and, where JSON Schema can say it, in schema.json.
const (
	// DefaultURL is where a test starts when it gives no url.
	DefaultURL = "/"
	// DefaultTimeout bounds one test's run when it gives no timeout. It is
	// in line with the agent's own budget (115 iterations) and with the
	// browser's 600 s idle timeout.
	DefaultTimeout = 10 * time.Minute
	// MinTimeout and MaxTimeout bound an explicit timeout.
	MinTimeout = 1 * time.Second
	MaxTimeout = 1 * time.Hour
	// MaxNameLen, MaxGoalLen and MaxCheckpointLen are in characters.
	MaxNameLen       = 200
	MaxGoalLen       = 4000
	MaxCheckpointLen = 500
	MaxSteps         = 500
	MaxCheckpoints   = 50
	MaxTags          = 20
	MaxTagLen        = 50
	// MaxFileSize is the largest test file accepted, in bytes.
	MaxFileSize = 1 << 20
)

// personaNameRe is what a persona's name looks like: a short lower-case
// word, as a test file names it (persona: buyer).
var personaNameRe = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// CheckPersonaName reports whether name can name a persona. The store's
// schema checks the same pattern.
func CheckPersonaName(name string) error {
	if !personaNameRe.MatchString(name) {
		return fmt.Errorf("persona name %q must start with a lower-case letter and hold only a-z, 0-9, '_' and '-' (at most 64)", name)
	}
	return nil
}

// Test is one test as written in a test file.
type Test struct {
	// Name identifies the test; it is unique among the tests loaded together.
	Name string
	// URL is where the test starts: a path joined to the project's base URL
	// (see ResolveURL) or an absolute http(s) URL. DefaultURL when not given.
	URL string
	// Goal says in plain language what to do and check. A model pursues it;
	// empty when the test has only steps.
	Goal string
	// Steps are explicit steps, run in order with no model.
	Steps []Step
	// StepPos[i] is where Steps[i] is written, so a report can point at
	// the failing line.
	StepPos []Position
	// Checkpoints are things that must be observed, with evidence, for the
	// test to pass (for example "confirmation e-mail received"). They need
	// a goal.
	Checkpoints []string
	// Tags select tests to run (argus run --tag smoke).
	Tags []string
	// Covers are globs of repository paths (demo/templates/*.html,
	// src/**/checkout.go) whose change this test checks: regression
	// selection picks it when a change touches one.
	Covers []string
	// Timeout bounds the whole test; DefaultTimeout when not given.
	Timeout time.Duration
	// ExpectedFailure, when set, says why this test is expected to fail: a
	// known bug, or the demo's deliberately broken page. A failure is then
	// reported as expected and a pass as a surprise.
	ExpectedFailure string
	// Persona names the project's persona the test runs as (its identity,
	// credentials and browser language, time zone and user agent); empty
	// runs as nobody in particular.
	Persona string
	// Role names the prompt role a model pursues the goal in (a built-in
	// such as ux-auditor, or one the suite defines); empty for none.
	Role string
	// Priority is 1 (lowest) to 5 (highest), 0 when the file gives none
	// (the server's default, 3). A schedule's budget weighs a test's
	// staleness by it.
	Priority int
	// Plan is the plan the test is a node of; nil for a test on its own.
	Plan *Plan
	// Needs names the tests of the same plan that must pass before this
	// one starts.
	Needs []string
	// Video says whether the browser is recorded: on, on-failure (kept
	// only when the test fails or errors) or off; empty follows the
	// project (argus run: the --video flag).
	Video string
	// Pos is where the test is defined (its first key).
	Pos Position
}

// VideoModes are the values of a test's video: key.
var VideoModes = []string{"on", "on-failure", "off"}

// CheckVideo reports whether s is a video mode.
func CheckVideo(s string) error {
	if !slices.Contains(VideoModes, s) {
		return fmt.Errorf("video %q: write on, on-failure or off", s)
	}
	return nil
}

// NeedsModel reports whether the test can only run with a model: it has a
// goal and no explicit steps.
func (t *Test) NeedsModel() bool { return len(t.Steps) == 0 }

// HasTag reports whether the test carries tag.
func (t *Test) HasTag(tag string) bool { return slices.Contains(t.Tags, tag) }

// Secrets returns the names of the secrets the test refers to through
// {{secret.NAME}} placeholders in its goal, checkpoints and steps, in order
// of first use. A runner checks they exist before starting the test.
func (t *Test) Secrets() []string {
	var names []string
	add := func(s string) {
		for _, n := range secretNames(s) {
			names = appendUnique(names, n)
		}
	}
	add(t.Goal)
	for _, c := range t.Checkpoints {
		add(c)
	}
	for _, s := range t.Steps {
		add(s.Value)
	}
	return names
}

// UsesEmail reports whether the test reads mail: an email step, or
// {{email.address}} in its goal, checkpoints or steps. Such a test gets a
// mailbox address of its own, and `argus run` starts the receiver for it.
func (t *Test) UsesEmail() bool {
	if strings.Contains(t.Goal, EmailAddress) {
		return true
	}
	for _, c := range t.Checkpoints {
		if strings.Contains(c, EmailAddress) {
			return true
		}
	}
	for _, s := range t.Steps {
		if s.Verb.UsesEmail() || strings.Contains(s.Value, EmailAddress) {
			return true
		}
	}
	return false
}

// UploadPath returns the local path of a file named in an upload step:
// relative paths are relative to the directory of the test's file.
func (t *Test) UploadPath(p string) string {
	if filepath.IsAbs(p) || t.Pos.File == "" {
		return filepath.Clean(p)
	}
	return filepath.Join(filepath.Dir(t.Pos.File), filepath.FromSlash(p))
}
