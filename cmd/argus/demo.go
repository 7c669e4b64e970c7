package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/argusqa/argus/demo"
	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
)

// defaultDemoReport is where `argus demo` writes its report unless
// ARGUS_REPORT_DIR says otherwise.
const defaultDemoReport = "out/demo-report"

// demoSettings are the settings of `argus run` that apply to the demo: it
// starts its own application (no --base-url) and runs in this process (no
// --server, --api-key, --project, --commit or --branch).
var demoSettings = []config.Setting{
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork,
	config.MaxAgents, config.BrowserIdleTimeout, config.PageLoadTimeout,
	config.Model, config.Parallel, config.JUnitPath, config.ReportDir,
	// The demo application listens on this machine's loopback.
	config.TargetAllowPrivateLocal, config.TargetAllowCIDRs,
	config.LogLevel, config.LogFormat,
}

// runDemo starts the demo app on a free loopback port and runs the demo
// suite against it. In a checkout it uses demo/suite from disk, so replays
// the demo saves land beside the suite; an installed binary uses its
// embedded copy and keeps replays in the user's cache directory.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "demo [flags]\n\nStarts the demo shop on a free loopback port and runs the demo suite against it.\n"+
		"With --serve it then keeps the demo shop and the web UI running (the embedded server of `argus serve`,\n"+
		"in ARGUS_DATA_DIR) with the shop as a project, its tests and the run just made, and prints the sign-in.")
	var opts runOptions
	var serveUI bool
	fs.BoolVar(&serveUI, "serve", false, "after the run, keep the web UI running with the demo project and this run (embedded database in --data-dir, on --listen)")
	fs.Var(&opts.tags, "tag", "run only demo tests with this tag (repeatable)")
	fs.Var(&opts.names, "name", "run only demo tests whose name contains this text (repeatable)")
	fs.BoolVar(&opts.noReplay, "no-replay", false, "ignore saved replays and save none")
	cfg, rest, err := loadConfig(e, fs, args, append(demoSettings, demoServeSettings...)...)
	if err != nil {
		return err
	}
	quietLogs(fs, cfg, e.getenv)
	if len(rest) > 0 {
		return usagef("demo takes no arguments; to run your own tests use `argus run`")
	}
	if cfg.ReportDir == "" {
		cfg.ReportDir = defaultDemoReport
	}

	st, replayDir, err := loadDemoSuite()
	if err != nil {
		return err
	}
	tests := st.Tests
	if tests, err = selectTests(tests, opts.tags, opts.names); err != nil {
		return err
	}

	log := cfg.Logger(e.stderr)
	// The shop mails its sign-up confirmations to the test mailbox, on a
	// free port unless ARGUS_MAIL_LISTEN says otherwise.
	mbox, err := startLocalMailbox(cfg, cmp.Or(cfg.MailListen, "127.0.0.1:0"), e.stdout, log)
	if err != nil {
		return err
	}
	defer mbox.Close(ctx)
	srv, err := app.Start(ctx, app.ServerConfig{App: app.Config{Logger: log.With("component", "demo-app"), SMTPAddr: mbox.Addr().String()}})
	if err != nil {
		return fmt.Errorf("starting the demo app: %w", err)
	}
	defer func() {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutCtx)
	}()
	fmt.Fprintf(e.stdout, "demo app listening on %s (log in as %s / %s)\n", srv.URL(), app.DemoEmail, app.DemoPassword)

	var runs []report.TestRun
	var model string
	err = execute(ctx, e, cfg, tests, runPlan{
		name: "argus demo", baseURL: srv.URL(), secrets: demo.Secrets(),
		noReplay: opts.noReplay, replayDir: replayDir, mailbox: mbox, suite: st,
		footer: func(w io.Writer, r []report.TestRun) {
			demoFooter(w, r, cfg.Model)
			runs = r
		},
		modelName: &model,
	})
	var verdict *exitError
	if !serveUI || ctx.Err() != nil || (err != nil && !errors.As(err, &verdict)) {
		return err
	}
	// A failing test is part of what the UI shows; serving ends the
	// command, with Ctrl-C.
	return serveDemo(ctx, e, cfg, srv.URL(), runs, model)
}

// loadDemoSuite returns the demo suite and where its replays are kept ("" =
// beside the test files).
func loadDemoSuite() (*suite.Suite, string, error) {
	onDisk := filepath.Join("demo", demo.SuiteDir)
	if st, err := os.Stat(onDisk); err == nil && st.IsDir() {
		s, err := suite.LoadSuite(onDisk)
		return s, "", err
	}
	tests, err := demo.LoadFullSuite()
	if err != nil {
		return nil, "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return tests, filepath.Join(cache, "argus", "demo-replays"), nil
}

// demoFooter explains what the demo just showed.
func demoFooter(w io.Writer, runs []report.TestRun, model string) {
	fmt.Fprintln(w)
	for i := range runs {
		if runs[i].Status() == report.StatusExpectedFailure {
			fmt.Fprintf(w, "The failure of %q is deliberate: the demo's settings page is broken, and Argus caught it.\n", runs[i].Name())
		}
	}
	skipped := report.Count(runs).ByStatus[report.StatusSkipped]
	if model == "" && skipped > 0 {
		fmt.Fprintf(w, "%d goal-only %s skipped: %s, then run `make demo` again.\n", skipped, plural(skipped, "test was", "tests were"), report.SkipNoModel)
	}
}
