package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/discovery"
	"github.com/argusqa/argus/internal/config"
)

// discoverSettings are the settings `argus discover` reads. The target
// policy allows private addresses by default, as for `argus run`: the
// application is usually on this machine.
var discoverSettings = []config.Setting{
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork,
	config.BrowserIdleTimeout, config.PageLoadTimeout, config.BaseURL, config.Model,
	config.TargetAllowPrivateLocal, config.TargetAllowCIDRs,
	config.LogLevel, config.LogFormat,
}

func runDiscover(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "discover", "discover --base-url URL [flags]")
	out := fs.String("out", "discovery", "directory to write app-map.json and suggested-tests.yaml into")
	maxPages := fs.Int("max-pages", discovery.DefaultMaxPages, "page budget: page loads of the whole discovery")
	parallel := fs.Int("parallel", discovery.MaxParallel, fmt.Sprintf("browsers at once (1–%d)", discovery.MaxParallel))
	var origins multiFlag
	fs.Var(&origins, "allow-origin", "a further origin the crawl may follow links to, scheme://host[:port] (repeatable)")
	loginPath := fs.String("login-path", "/login", "with --login-user: the sign-in page")
	loginUser := fs.String("login-user", "", "sign in as this user too, to map what a signed-in user sees")
	loginSecret := fs.String("login-secret", "password", "with --login-user: the secret holding the password, read from ARGUS_SECRET_<NAME>; suggested tests use {{secret.NAME}}")
	allowDestructive := fs.Bool("allow-destructive", false, "let the forms phase submit forms that look destructive (delete, pay, send); sign-out is never submitted")
	cfg, rest, err := loadConfig(e, fs, args, discoverSettings...)
	if err != nil {
		return err
	}
	quietLogs(fs, cfg, e.getenv)
	if len(rest) > 0 {
		return usagef("discover takes no arguments, got %q", strings.Join(rest, " "))
	}
	if cfg.BaseURL == "" {
		return usagef("give the application's address with --base-url or ARGUS_BASE_URL")
	}
	if *parallel < 1 || *parallel > discovery.MaxParallel {
		return usagef("--parallel %d: between 1 and %d", *parallel, discovery.MaxParallel)
	}
	if *maxPages < 1 {
		return usagef("--max-pages %d: at least 1", *maxPages)
	}
	var persona *discovery.Persona
	if *loginUser != "" {
		pw := e.getenv(agent.SecretEnvVar(*loginSecret))
		if pw == "" {
			return usagef("--login-user needs the password in %s", agent.SecretEnvVar(*loginSecret))
		}
		persona = &discovery.Persona{LoginPath: *loginPath, Username: *loginUser, Password: pw, PasswordSecret: *loginSecret}
	}
	log := cfg.Logger(e.stderr)
	model, err := openModel(ctx, cfg, e.getenv, log)
	if err != nil {
		return err
	}
	browsers, err := openBrowsers(ctx, cfg, *parallel, cfg.BaseURL, log)
	if err != nil {
		return err
	}
	defer closeBrowsers(ctx, browsers, log)
	dcfg := discovery.Config{
		Browser: browsers, BaseURL: cfg.BaseURL, AllowedOrigins: origins, Policy: cfg.TargetPolicy(),
		MaxPages: *maxPages, Parallel: *parallel, Persona: persona, AllowDestructive: *allowDestructive, Logger: log,
		Model: model,
	}
	fmt.Fprintf(e.stdout, "discovering %s with up to %d %s, at most %d pages\n", cfg.BaseURL, *parallel, plural(*parallel, "browser", "browsers"), *maxPages)
	res, err := discovery.Run(ctx, dcfg)
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitUsage, msg: "interrupted"}
		}
		if errors.Is(err, discovery.ErrSignIn) || errors.Is(err, discovery.ErrRefused) {
			return &usageError{msg: err.Error()}
		}
		return err
	}
	if err := res.WriteDir(*out); err != nil {
		return err
	}
	m := res.Map
	fmt.Fprintf(e.stdout, "%d %s, %d %s, %d auth %s, %d suggested %s\n",
		len(m.Pages), plural(len(m.Pages), "page", "pages"), m.Forms(), plural(m.Forms(), "form", "forms"),
		len(m.AuthWalls), plural(len(m.AuthWalls), "wall", "walls"), len(res.Tests), plural(len(res.Tests), "test", "tests"))
	for _, p := range m.Pages {
		fmt.Fprintf(e.stdout, "  %-30s %s\n", p.Path, p.Title)
	}
	if model != nil {
		fmt.Fprintf(e.stdout, "%d %s from %s\n", len(m.Flows), plural(len(m.Flows), "user journey", "user journeys"), describeModel(model))
		if m.FlowsError != "" {
			fmt.Fprintf(e.stdout, "the flows phase found nothing: %s\n", m.FlowsError)
		}
	}
	if m.BudgetExhausted {
		fmt.Fprintf(e.stdout, "the page budget (%d) ended the crawl: raise --max-pages to see more\n", *maxPages)
	}
	fmt.Fprintf(e.stdout, "wrote %s and %s\n", filepath.Join(*out, discovery.MapFile), filepath.Join(*out, discovery.SuggestedFile))
	return nil
}
