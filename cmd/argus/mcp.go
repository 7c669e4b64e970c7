package main

import (
	"context"
	"fmt"
	"os"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/mcp"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

const mcpSynopsis = `mcp [test directory] [flags]

Serves Argus's MCP tools (list_tests, run_tests, get_run, get_agent,
save_test, explain_failure) over stdin/stdout, for a coding agent on this
machine. Tests are the YAML files under the directory (default .) and run in
this process against --base-url, like argus run: no server, no database.
Logs go to stderr; stdout carries the protocol.`

// mcpSettings are the settings `argus mcp` reads: those of an in-process
// `argus run`.
var mcpSettings = []config.Setting{
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork,
	config.MaxAgents, config.BrowserIdleTimeout, config.PageLoadTimeout,
	config.Model, config.BaseURL, config.Parallel, config.ReportDir,
	config.TargetAllowPrivateLocal, config.TargetAllowCIDRs, config.BlockThirdParty,
	config.LogLevel, config.LogFormat,
}

func runMCP(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "mcp", mcpSynopsis)
	var secretFlags multiFlag
	fs.Var(&secretFlags, "secret", "a secret as NAME=VALUE for {{secret.NAME}} (repeatable); ARGUS_SECRET_<NAME> works too")
	noReplay := fs.Bool("no-replay", false, "ignore saved replays and save none")
	cfg, rest, err := loadConfig(e, fs, args, mcpSettings...)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usagef("mcp takes one test directory, got %d arguments", len(rest))
	}
	dir := "."
	if len(rest) == 1 {
		dir = rest[0]
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return usagef("%s is not a directory: give the directory holding the test files (it may be empty)", dir)
	}
	log := cfg.Logger(e.stderr)
	// Secrets of the tests there now; a test saved later that needs another
	// one says so when it starts.
	tests, _ := suite.Load(dir)
	secrets, err := collectSecrets(tests, nil, secretFlags, e.getenv)
	if err != nil {
		return err
	}
	model, err := openModel(ctx, cfg, e.getenv, log)
	if err != nil {
		return err
	}
	parallel := cfg.Parallel
	if parallel == 0 {
		parallel = cfg.MaxAgents
	}
	reportDir := cfg.ReportDir
	if reportDir == "" {
		if reportDir, err = os.MkdirTemp("", "argus-mcp-"); err != nil {
			return fmt.Errorf("screenshot directory: %w", err)
		}
		defer os.RemoveAll(reportDir)
	}
	browsers, err := openBrowsers(ctx, cfg, parallel, cfg.BaseURL, log)
	if err != nil {
		return err
	}
	defer closeBrowsers(ctx, browsers, log)
	backend, err := mcp.NewLocalBackend(mcp.LocalConfig{Dir: dir, Runner: runner.Config{
		Browser: browsers, BaseURL: cfg.BaseURL, Parallel: parallel, Secrets: secrets, NoReplay: *noReplay,
		ReportDir: reportDir, Logger: log,
		Target: new(cfg.TargetPolicy()), BlockThirdParty: cfg.BlockThirdParty,
		Agent: agent.Config{Model: model, Vision: e.getenv("ARGUS_MODEL_VISION") == "true", Logger: log},
	}})
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	srv, err := mcp.New(mcp.Config{Backend: mcp.Fixed(backend), Version: version, Logger: log})
	if err != nil {
		return err
	}
	log.Info("argus mcp serving on stdio", "tests", dir, "model", describeModel(model))
	return mcp.Serve(ctx, srv, e.stdin, e.stdout)
}
