// Package calibration measures how often Argus's verdicts are wrong. It
// runs the demo suite against the clean demo app and against every
// mutant (an injected bug, or a benign drift that must not fail a test;
// see app.Mutants), in each mode a test can run in — explicit steps,
// saved replays, and the model when one is configured — and compares
// every verdict with the ground truth the mutant declares (the tests its
// defect breaks). The result is a confusion table per mode: true and
// false passes and failures, errors, which mutants each test caught, and
// the false-pass and false-fail rates.
package calibration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/demo"
	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

// Mode is a way of running the demo suite.
type Mode string

const (
	// ModeSteps runs the explicit-step tests, no model, no replays.
	ModeSteps Mode = "steps"
	// ModeReplay runs the goal-only tests from replays recorded on the
	// clean app (with the model when one is configured, else with the
	// demo's scripted plans); the model, if any, takes over where a
	// replay stops fitting.
	ModeReplay Mode = "replay"
	// ModeModel runs the goal-only tests with the model from scratch.
	ModeModel Mode = "model"
)

// Clean is the variant name of the app without a mutant.
const Clean = "clean"

// Config configures Run. Fields document their defaults.
type Config struct {
	// Browser hands out the sessions. Required.
	Browser browser.Provider
	// Model is the configured model; nil runs the deterministic modes
	// only (ModeModel is then reported as not run, with the reason).
	Model llm.Model
	// Mutants are the variants besides the clean app. Default: every
	// app.Mutants entry.
	Mutants []string
	// Tests, when set, limits the suite to these test names.
	Tests []string
	// Parallel is how many tests run at once. Default 2.
	Parallel int
	// Progress, when set, is told about each variant as it finishes.
	Progress func(mode Mode, variant string, results []Result)
	// Logger receives diagnostics. Default: discard.
	Logger *slog.Logger
}

// Result is one test's verdict on one variant.
type Result struct {
	Test string `json:"test"`
	// ShouldFail is the ground truth: the variant's defect breaks this
	// test's flow (or the test is an expected failure of the demo).
	ShouldFail bool `json:"should_fail"`
	// Status is the runner's status; Outcome folds it into
	// passed/failed/error/skipped.
	Status  report.Status `json:"status"`
	Outcome string        `json:"outcome"`
	Message string        `json:"message,omitempty"`
	Seconds float64       `json:"seconds"`
}

// Variant is the clean app or one mutant, with its results in one mode.
type Variant struct {
	Name        string         `json:"name"`
	Kind        app.MutantKind `json:"kind,omitempty"` // "" for the clean app
	Description string         `json:"description,omitempty"`
	Results     []Result       `json:"results"`
}

// Table is one mode's calibration.
type Table struct {
	Mode     Mode      `json:"mode"`
	Ran      bool      `json:"ran"`
	Reason   string    `json:"reason,omitempty"` // why the mode did not run
	Tests    []string  `json:"tests,omitempty"`
	Variants []Variant `json:"variants,omitempty"`
	Counts   Counts    `json:"counts"`
	// Caught maps each test to the bug mutants it failed on, rightly.
	Caught map[string][]string `json:"caught,omitempty"`
	// Missed are the bugs that break a test of this mode which no test
	// of the mode failed on.
	Missed []string `json:"missed,omitempty"`
}

// Counts is the confusion table.
type Counts struct {
	TruePass     int     `json:"true_pass"`
	FalsePass    int     `json:"false_pass"`
	TrueFail     int     `json:"true_fail"`
	FalseFail    int     `json:"false_fail"`
	ErrShouldFix int     `json:"error_should_fail"`
	ErrShouldOK  int     `json:"error_should_pass"`
	Skipped      int     `json:"skipped"`
	FalsePassPct float64 `json:"false_pass_rate_pct"` // false passes / runs that should fail
	FalseFailPct float64 `json:"false_fail_rate_pct"` // false failures / runs that should pass
}

// Report is what Run returns and out/calibration.json holds.
type Report struct {
	Date   time.Time `json:"date"`
	Model  string    `json:"model,omitempty"`
	Tables []Table   `json:"modes"`
}

// Run calibrates every mode.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Browser == nil {
		return nil, errors.New("calibration: no browser provider")
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	variants, err := variants(cfg.Mutants)
	if err != nil {
		return nil, err
	}
	full, err := demo.LoadFullSuite()
	if err != nil {
		return nil, err
	}
	all := full.Tests
	if len(cfg.Tests) > 0 {
		all = slices.DeleteFunc(all, func(t *suite.Test) bool { return !slices.Contains(cfg.Tests, t.Name) })
		if len(all) == 0 {
			return nil, fmt.Errorf("calibration: no demo test is named %q", cfg.Tests)
		}
	}
	var steps, goals []*suite.Test
	for _, t := range all {
		if t.NeedsModel() {
			goals = append(goals, t)
		} else {
			steps = append(steps, t)
		}
	}
	rep := &Report{Date: time.Now().UTC()}
	if cfg.Model != nil {
		rep.Model = cfg.Model.Name()
	}
	// The shop mails its sign-up confirmations to a test mailbox, and
	// the order plan runs as the suite's personas, as in `argus demo`.
	mem := mail.NewMemory(mailLabel)
	recv, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: mem, Logger: cfg.Logger.With("component", "mail")})
	if err != nil {
		return nil, fmt.Errorf("calibration: test mailbox: %w", err)
	}
	defer func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = recv.Shutdown(shut)
	}()
	c := &calibrator{cfg: cfg, variants: variants, smtpAddr: recv.Addr().String(),
		mailbox:  &runner.Mailbox{Label: mailLabel, Domain: recv.Domain(), Reader: mem.Reader(mailLabel)},
		personas: map[string]*suite.Persona{}, roles: full.RoleSet()}
	for _, p := range full.Personas {
		c.personas[p.Name] = p
	}

	rep.Tables = append(rep.Tables, c.mode(ctx, ModeSteps, steps, runner.Config{NoReplay: true}))

	replayDir, err := os.MkdirTemp("", "argus-calibration-replays-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(replayDir)
	recorded, err := c.record(ctx, goals, replayDir)
	if err != nil {
		return nil, err
	}
	switch {
	case len(goals) == 0:
		rep.Tables = append(rep.Tables, Table{Mode: ModeReplay, Reason: "no goal-only test selected"})
	case len(recorded) == 0:
		rep.Tables = append(rep.Tables, Table{Mode: ModeReplay, Reason: "no goal-only test passed on the clean app, so no replay was recorded"})
	default:
		rep.Tables = append(rep.Tables, c.mode(ctx, ModeReplay, recorded, runner.Config{ReplayDir: replayDir, Agent: agent.Config{Model: cfg.Model}}))
	}

	if cfg.Model == nil {
		rep.Tables = append(rep.Tables, Table{Mode: ModeModel, Reason: "no model configured (set ARGUS_MODEL): deterministic modes only"})
	} else {
		rep.Tables = append(rep.Tables, c.mode(ctx, ModeModel, goals, runner.Config{NoReplay: true, Agent: agent.Config{Model: cfg.Model}}))
	}
	return rep, ctx.Err()
}

// mailLabel is the calibration's test mailbox: addresses are
// name-xxxxx@calibration.<mail domain>.
const mailLabel = "calibration"

type calibrator struct {
	cfg      Config
	variants []Variant
	// smtpAddr is where every variant of the shop sends its mail.
	smtpAddr string
	mailbox  *runner.Mailbox
	personas map[string]*suite.Persona
	roles    suite.Roles
}

func variants(names []string) ([]Variant, error) {
	out := []Variant{{Name: Clean}}
	if names == nil {
		for _, m := range app.Mutants() {
			names = append(names, m.Name)
		}
	}
	for _, n := range names {
		m, ok := app.LookupMutant(n)
		if !ok {
			return nil, fmt.Errorf("calibration: unknown mutant %q; known: %s", n, app.MutantNames())
		}
		out = append(out, Variant{Name: m.Name, Kind: m.Kind, Description: m.Description})
	}
	return out, nil
}

// record runs the goal-only tests once on the clean app to save their
// replays, and returns the tests that passed (and so have one).
func (c *calibrator) record(ctx context.Context, goals []*suite.Test, dir string) ([]*suite.Test, error) {
	var recorded []*suite.Test
	plans := demo.Plans()
	for _, t := range goals {
		model := c.cfg.Model
		if model == nil {
			intents, ok := plans[t.Name]
			if !ok {
				continue
			}
			model = &scripted.Plan{Intents: intents}
		}
		runs, err := c.runVariant(ctx, "", []*suite.Test{t}, runner.Config{ReplayDir: dir, Agent: agent.Config{Model: model}})
		if err != nil {
			return nil, err
		}
		if runs[0].Status() == report.StatusPassed {
			recorded = append(recorded, t)
		} else {
			c.cfg.Logger.Warn("no replay recorded", "test", t.Name, "status", runs[0].Status(), "message", runs[0].Message())
		}
	}
	return recorded, nil
}

// mode runs tests against every variant.
func (c *calibrator) mode(ctx context.Context, mode Mode, tests []*suite.Test, rc runner.Config) Table {
	tab := Table{Mode: mode, Ran: true, Caught: map[string][]string{}}
	for _, t := range tests {
		tab.Tests = append(tab.Tests, t.Name)
	}
	if len(tests) == 0 {
		return Table{Mode: mode, Reason: "the suite has no test for this mode"}
	}
	for _, v := range c.variants {
		if ctx.Err() != nil {
			break
		}
		m, _ := app.LookupMutant(v.Name)
		runs, err := c.runVariant(ctx, m.Name, tests, rc)
		if err != nil {
			tab.Reason = err.Error()
			break
		}
		for i, run := range runs {
			t := tests[i]
			res := Result{Test: t.Name, ShouldFail: t.ExpectedFailure != "" || slices.Contains(m.Breaks, t.Name),
				Status: run.Status(), Message: run.Message(), Seconds: run.Duration().Seconds()}
			res.Outcome = outcome(res.Status)
			v.Results = append(v.Results, res)
		}
		if c.cfg.Progress != nil {
			c.cfg.Progress(mode, v.Name, v.Results)
		}
		tab.Variants = append(tab.Variants, v)
	}
	tab.count()
	return tab
}

// runVariant starts the demo app with the mutant and runs the tests.
func (c *calibrator) runVariant(ctx context.Context, mutant string, tests []*suite.Test, rc runner.Config) ([]report.TestRun, error) {
	srv, err := app.Start(ctx, app.ServerConfig{App: app.Config{Mutant: mutant, SMTPAddr: c.smtpAddr, Logger: c.cfg.Logger.With("mutant", mutant)}})
	if err != nil {
		return nil, fmt.Errorf("start the demo app with %q: %w", mutant, err)
	}
	defer func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	rc.Browser, rc.BaseURL, rc.Secrets, rc.Parallel, rc.Logger = c.cfg.Browser, srv.URL(), demo.Secrets(), c.cfg.Parallel, c.cfg.Logger
	rc.Mailbox, rc.Personas, rc.Roles = c.mailbox, c.personas, c.roles
	rc.Agent.Logger = c.cfg.Logger
	r, err := runner.New(rc)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx, tests), nil
}

func outcome(s report.Status) string {
	switch s {
	case report.StatusPassed, report.StatusUnexpectedPass:
		return "passed"
	case report.StatusFailed, report.StatusExpectedFailure:
		return "failed"
	case report.StatusSkipped:
		return "skipped"
	}
	return "error"
}

func (t *Table) count() {
	var c Counts
	caughtAny := map[string]bool{}
	breaksMode := map[string]bool{}
	// A test that fails on the clean app too (the demo's expected
	// failure) catches nothing by failing.
	alwaysFails := map[string]bool{}
	for _, v := range t.Variants {
		if v.Name == Clean {
			for _, r := range v.Results {
				alwaysFails[r.Test] = r.ShouldFail
			}
		}
	}
	for _, v := range t.Variants {
		for _, r := range v.Results {
			switch {
			case r.Outcome == "skipped":
				c.Skipped++
			case r.Outcome == "error" && r.ShouldFail:
				c.ErrShouldFix++
			case r.Outcome == "error":
				c.ErrShouldOK++
			case r.Outcome == "passed" && r.ShouldFail:
				c.FalsePass++
			case r.Outcome == "passed":
				c.TruePass++
			case r.ShouldFail:
				c.TrueFail++
			default:
				c.FalseFail++
			}
			if v.Kind == app.Bug && r.ShouldFail && !alwaysFails[r.Test] {
				breaksMode[v.Name] = true
				if r.Outcome == "failed" {
					caughtAny[v.Name] = true
					t.Caught[r.Test] = append(t.Caught[r.Test], v.Name)
				}
			}
		}
	}
	if n := c.FalsePass + c.TrueFail + c.ErrShouldFix; n > 0 {
		c.FalsePassPct = 100 * float64(c.FalsePass) / float64(n)
	}
	if n := c.TruePass + c.FalseFail + c.ErrShouldOK; n > 0 {
		c.FalseFailPct = 100 * float64(c.FalseFail) / float64(n)
	}
	for _, v := range t.Variants {
		if breaksMode[v.Name] && !caughtAny[v.Name] {
			t.Missed = append(t.Missed, v.Name)
		}
	}
	t.Counts = c
}
