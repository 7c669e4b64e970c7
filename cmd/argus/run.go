package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/provider"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
	"github.com/argusqa/argus/video"
)

// runSettings are the settings `argus run` and `argus demo` read.
var runSettings = []config.Setting{
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork,
	config.MaxAgents, config.BrowserIdleTimeout, config.PageLoadTimeout,
	config.Model, config.BaseURL, config.Parallel, config.JUnitPath, config.ReportDir, config.Video, config.FFmpeg, config.VideoMaxMB,
	config.TargetAllowPrivateLocal, config.TargetAllowCIDRs, config.BlockThirdParty,
	config.LogLevel, config.LogFormat,
	config.Server, config.APIKey, config.Project, config.Commit, config.Branch, config.ChangedFiles, config.Since,
	config.MailListen, config.MailDomain,
}

// runOptions are `argus run`'s flags that have no environment variable:
// they select tests or carry values for this invocation only.
type runOptions struct {
	tags, names multiFlag
	secrets     multiFlag
	noReplay    bool
	replayDir   string
	origins     multiFlag
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "run", "run [files or directories…] [flags]")
	var opts runOptions
	fs.Var(&opts.tags, "tag", "run only tests with this tag (repeatable: any of them)")
	fs.Var(&opts.names, "name", "run only tests whose name contains this text (repeatable: any of them)")
	fs.Var(&opts.secrets, "secret", "a secret as NAME=VALUE for {{secret.NAME}} (repeatable); ARGUS_SECRET_<NAME> works too and keeps it out of the shell history")
	fs.BoolVar(&opts.noReplay, "no-replay", false, "ignore saved replays and save none: every test runs from scratch")
	fs.StringVar(&opts.replayDir, "replay-dir", "", "keep replays here instead of .argus/replays beside each test file")
	fs.Var(&opts.origins, "allow-origin", "a further origin the browser may navigate to, scheme://host[:port] (repeatable); the base URL's and each test's own origin always are")
	cfg, paths, err := loadConfig(e, fs, args, runSettings...)
	if err != nil {
		return err
	}
	quietLogs(fs, cfg, e.getenv)
	if len(paths) == 0 {
		paths = []string{"."}
	}
	st, err := suite.LoadSuite(paths...)
	if err != nil {
		return &usageError{msg: loadProblem(err)}
	}
	tests, err := selectTests(st.Tests, opts.tags, opts.names)
	if err != nil {
		return err
	}
	if cfg.Server != "" {
		if len(opts.secrets) > 0 {
			return usagef("--secret is for in-process runs; a server uses the project's secrets (set them in the web UI or the API)")
		}
		return runRemote(ctx, e, cfg, tests)
	}
	if cfg.ChangedFiles != "" || cfg.Since != "" {
		return usagef("--changed-files and --since select tests on a server; add --server (ARGUS_SERVER)")
	}
	secrets, err := collectSecrets(tests, st.Personas, opts.secrets, e.getenv)
	if err != nil {
		return err
	}
	return execute(ctx, e, cfg, tests, runPlan{
		baseURL: cfg.BaseURL, secrets: secrets, noReplay: opts.noReplay, replayDir: opts.replayDir,
		allowedOrigins: opts.origins, suite: st,
	})
}

// runPlan is what `argus run` and `argus demo` decided before running.
type runPlan struct {
	name      string
	baseURL   string
	secrets   map[string]string
	noReplay  bool
	replayDir string
	// allowedOrigins are further origins navigations may reach.
	allowedOrigins []string
	// footer, when set, is printed after the summary.
	footer func(w io.Writer, runs []report.TestRun)
	// mailbox, when set, is the test mailbox already running (argus demo
	// starts it before the demo app); otherwise execute starts one when a
	// test uses email.
	mailbox *runner.LocalMailbox
	// modelName, when set, receives the name of the model the tests ran
	// with ("" for none).
	modelName *string
	// suite, when set, gives the personas and roles the tests name.
	suite *suite.Suite
}

// execute runs tests as the configuration and plan say, shows progress,
// writes the reports and returns the verdict as an exit code.
func execute(ctx context.Context, e *env, cfg *config.Config, tests []*suite.Test, plan runPlan) error {
	log := cfg.Logger(e.stderr)
	model, err := openModel(ctx, cfg, e.getenv, log)
	if err != nil {
		return err
	}
	parallel := cfg.Parallel
	if parallel == 0 {
		parallel = cfg.MaxAgents
	}
	if plan.baseURL == "" {
		for _, t := range tests {
			if !strings.Contains(t.URL, "://") {
				return usagef("test %q (%s) has the relative URL %q: give the application's address with --base-url or ARGUS_BASE_URL", t.Name, t.Pos, t.URL)
			}
		}
	}
	if cfg.Video != "" && cfg.Video != "off" && cfg.ReportDir == "" {
		return usagef("--video %s needs --report DIR: the videos are written into the report directory", cfg.Video)
	}
	if cfg.ReportDir == "" {
		for _, t := range tests {
			if t.Video == "on" || t.Video == "on-failure" {
				fmt.Fprintf(e.stderr, "argus: test %q asks for video (%s); it is recorded only with --report DIR\n", t.Name, t.Pos)
				break
			}
		}
	}
	browsers, err := openBrowsers(ctx, cfg, parallel, plan.baseURL, log)
	if err != nil {
		return err
	}
	defer closeBrowsers(ctx, browsers, log)

	mbox := plan.mailbox
	if mbox == nil && usesEmail(tests) {
		if mbox, err = startLocalMailbox(cfg, "", e.stdout, log); err != nil {
			return err
		}
		defer mbox.Close(ctx)
	}
	var mailbox *runner.Mailbox
	if mbox != nil {
		mailbox = mbox.Mailbox()
	}

	progress := report.NewProgress(e.stdout, isTerminal(e.stdout))
	var personas map[string]*suite.Persona
	roles := suite.NewRoles(nil)
	if plan.suite != nil {
		personas = map[string]*suite.Persona{}
		for _, p := range plan.suite.Personas {
			personas[p.Name] = p
		}
		roles = plan.suite.RoleSet()
	}
	r, err := runner.New(runner.Config{
		Personas: personas, Roles: roles,
		Browser: browsers, BaseURL: plan.baseURL, Parallel: parallel, Secrets: plan.secrets, Mailbox: mailbox,
		ReplayDir: plan.replayDir, NoReplay: plan.noReplay, ReportDir: cfg.ReportDir,
		Target: new(cfg.TargetPolicy()), AllowedOrigins: plan.allowedOrigins, BlockThirdParty: cfg.BlockThirdParty,
		Progress: progress, Logger: log, Video: video.Mode(cfg.Video), VideoConfig: videoConfig(cfg, log),
		Agent: agent.Config{Model: model, Vision: e.getenv("ARGUS_MODEL_VISION") == "true", Logger: log},
	})
	if err != nil {
		return err
	}
	started := time.Now()
	fmt.Fprintf(e.stdout, "running %d %s%s with %s, %d at a time\n", len(tests), plural(len(tests), "test", "tests"), describePlans(tests), describeModel(model), parallel)
	runs := r.Run(ctx, tests)
	progress.Close()

	info := report.RunInfo{
		Name: plan.name, Started: started, Elapsed: time.Since(started), BaseURL: plan.baseURL,
		ReportDir: cfg.ReportDir, JUnitPath: cfg.JUnitPath,
	}
	if model != nil {
		info.Model = model.Name()
	}
	if plan.modelName != nil {
		*plan.modelName = info.Model
	}
	var writeErr error
	if cfg.JUnitPath != "" {
		if err := report.WriteJUnitFile(cfg.JUnitPath, runs, info); err != nil {
			writeErr = errors.Join(writeErr, fmt.Errorf("JUnit report: %w", err))
			info.JUnitPath = ""
		}
	}
	if cfg.ReportDir != "" {
		if err := report.WriteHTML(cfg.ReportDir, runs, info); err != nil {
			writeErr = errors.Join(writeErr, fmt.Errorf("HTML report: %w", err))
			info.ReportDir = ""
		}
	}
	if err := report.PrintSummary(e.stdout, runs, info); err != nil {
		return err
	}
	if plan.footer != nil {
		plan.footer(e.stdout, runs)
	}
	if writeErr != nil {
		return writeErr
	}
	if ctx.Err() != nil {
		return &exitError{code: exitUsage, msg: "interrupted: the tests that had not finished were not run"}
	}
	if code := report.ExitCode(runs); code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// quietLogs lowers the default log level to warn for the runner commands,
// whose progress display already says what happens; an explicit
// ARGUS_LOG_LEVEL or --log-level is kept.
func quietLogs(fs *flag.FlagSet, cfg *config.Config, getenv func(string) string) {
	if !explicitlySet(fs, getenv, config.LogLevel) {
		cfg.LogLevel = slog.LevelWarn
	}
}

// explicitlySet reports whether the person gave setting s, as a flag parsed
// by fs or in the environment, rather than leaving it at its default.
func explicitlySet(fs *flag.FlagSet, getenv func(string) string, s config.Setting) bool {
	set := getenv(s.Env) != ""
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == s.Flag })
	return set
}

// openModel returns the configured model, or nil when none is.
func openModel(ctx context.Context, cfg *config.Config, getenv func(string) string, log *slog.Logger) (llm.Model, error) {
	if cfg.Model == "" {
		return nil, nil
	}
	mc, err := provider.FromEnv(func(k string) string {
		if k == config.Model.Env {
			return cfg.Model
		}
		return getenv(k)
	})
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	mc.Logger = log
	m, err := provider.New(ctx, mc)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", cfg.Model, err)
	}
	return m, nil
}

func describeModel(m llm.Model) string {
	if m == nil {
		return "no model (explicit steps and saved replays only)"
	}
	return "model " + m.Name()
}

// selectTests keeps the tests with any of tags (when given) whose name
// (or whose plan's name) contains any of names (when given), and the tests
// of their plans they need, directly or not: a plan's test cannot run
// without them.
func selectTests(tests []*suite.Test, tags, names []string) ([]*suite.Test, error) {
	keep := map[*suite.Test]bool{}
	contains := func(s string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(n)) })
	}
	for _, t := range tests {
		if len(tags) > 0 && !slices.ContainsFunc(tags, t.HasTag) {
			continue
		}
		if len(names) > 0 && !contains(t.Name) && (t.Plan == nil || !contains(t.Plan.Name)) {
			continue
		}
		keep[t] = true
		if t.Plan != nil {
			for _, need := range plan.Ancestors(t.Plan.Nodes(), t.Name) {
				keep[t.Plan.Test(need)] = true
			}
		}
	}
	var kept []*suite.Test
	for _, t := range tests {
		if keep[t] {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return nil, usagef("no test matches --tag %v --name %v (%d tests loaded)", tags, names, len(tests))
	}
	return kept, nil
}

// describePlans says how many of the tests belong to plans: " (4 in 1
// plan)", or "" when none does.
func describePlans(tests []*suite.Test) string {
	plans := map[*suite.Plan]bool{}
	n := 0
	for _, t := range tests {
		if t.Plan != nil {
			plans[t.Plan] = true
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d in %d %s)", n, len(plans), plural(len(plans), "plan", "plans"))
}

// collectSecrets gathers the secrets the tests use from --secret flags and
// ARGUS_SECRET_<NAME> variables. A missing one is reported when its test
// starts, so other tests still run.
func collectSecrets(tests []*suite.Test, personas []*suite.Persona, flags []string, getenv func(string) string) (map[string]string, error) {
	secrets := map[string]string{}
	for _, f := range flags {
		name, value, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, usagef("--secret %q: write it as NAME=VALUE", redactFlag(f))
		}
		secrets[name] = value
	}
	var names []string
	for _, t := range tests {
		names = append(names, t.Secrets()...)
	}
	// A persona's password and seed are secrets too, named by the persona.
	for _, p := range personas {
		names = append(names, p.PasswordSecret, p.TOTPSecret)
	}
	for _, name := range names {
		if _, ok := secrets[name]; ok || name == "" {
			continue
		}
		if v := getenv(agent.SecretEnvVar(name)); v != "" {
			secrets[name] = v
		}
	}
	return secrets, nil
}

// redactFlag keeps a malformed --secret value out of error messages.
func redactFlag(f string) string {
	if len(f) <= 2 {
		return "…"
	}
	return f[:1] + "…" + f[len(f)-1:]
}

// loadProblem turns the test loader's error into what the user should fix.
func loadProblem(err error) string {
	if errors.Is(err, suite.ErrNoTests) {
		return err.Error() + ": give test files (*.yaml) or directories holding them; see docs/test-files.md"
	}
	return err.Error()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && report.IsTerminal(f)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
