package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/mcp"
	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/server/metrics"
	"github.com/argusqa/argus/server/ratelimit"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/web"
)

const serveSynopsis = `serve [flags]

Serves the REST API (/api/v1), the web UI, /healthz, /readyz and /metrics on
ARGUS_LISTEN. With --with-worker (ARGUS_EMBEDDED_WORKER=true) the same
process also runs agents; otherwise run workers elsewhere against the same
database. Stops gracefully on SIGINT/SIGTERM: requests get 30 s to finish
and an embedded worker hands unfinished agents back to the queue. With
ARGUS_MAIL_LISTEN it also receives the test mailboxes' mail over SMTP.

Without DATABASE_URL it starts an embedded PostgreSQL in ARGUS_DATA_DIR
(one machine only), migrates it, generates and keeps ARGUS_SECRET_KEY there
unless given, runs the worker in-process unless --with-worker=false, and on
the first start creates an administrator and prints the sign-in.`

var serveSettings = append([]config.Setting{
	// Both optional: without a database URL, serve runs the embedded
	// database and keeps its own key (embedded.go).
	config.DatabaseURL.Optional(), config.SecretKey.Optional(), config.SecretKeyID, config.OldSecretKeys,
	config.Listen, config.PublicURL, config.SMTPURL, config.MailFrom, config.Development,
	config.EmbeddedWorker, config.DataDir, config.OperatorTenant, config.BlobDir, config.DiscoveryMaxPages,
	config.RateLimit, config.RateBurst, config.RateConcurrent, config.TrustedProxies,
	// Used by an embedded worker only (ARGUS_MODEL also ranks selections).
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork, config.NodeName, config.MaxAgents,
	config.BrowserIdleTimeout, config.PageLoadTimeout, config.Model, config.JobTimeout, config.RescueAfter, config.FFmpeg, config.VideoMaxMB,
	// The target policy: checked when a project is saved or a run starts,
	// and by an embedded worker's browsers.
	config.TargetAllowPrivate, config.TargetAllowCIDRs,
	config.LogLevel, config.LogFormat,
}, append(mailSettings, deliverySettings...)...)

// boolFlags may be given without a value (--with-worker); config settings
// are string flags, so "--with-worker" becomes "--with-worker=true".
var boolFlags = []string{config.EmbeddedWorker.Flag, config.Development.Flag}

func expandBoolFlags(args []string, names ...string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		for _, n := range names {
			if a == "-"+n || a == "--"+n {
				out[i] = "--" + n + "=true"
			}
		}
	}
	return out
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", serveSynopsis)
	cfg, rest, err := loadConfig(e, fs, expandBoolFlags(args, boolFlags...), serveSettings...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("serve takes no arguments, got %q", strings.Join(rest, " "))
	}
	embedded := cfg.DatabaseURL == ""
	if embedded && !explicitlySet(fs, e.getenv, config.EmbeddedWorker) {
		// Nothing else can reach this database to run the agents.
		cfg.EmbeddedWorker = true
	}
	return serve(ctx, e, cfg, serveHooks{})
}

// serveHooks let `argus demo --serve` reuse the server: they run once the
// database and the application are ready, before the first request.
type serveHooks struct {
	// signIn, when set, replaces the first start's sign-in of an embedded
	// database: it is given the administrator's account (created if the
	// database had none) and says how to sign in itself.
	signIn func(ctx context.Context, st *store.Store) error
	// ready, when set, is called with the application and the URL the
	// server answers on, just before it starts serving.
	ready func(ctx context.Context, a *app.App, url string) error
	// publicURLOfListener makes the listener's own address the public URL
	// (the origin cookie-authenticated writes must come from), for a
	// server on this machine only.
	publicURLOfListener bool
}

// serve runs the server as cfg says until ctx ends: an embedded database
// when cfg has no DATABASE_URL, the worker when cfg.EmbeddedWorker.
func serve(ctx context.Context, e *env, cfg *config.Config, hooks serveHooks) error {
	log := cfg.Logger(e.stderr)
	embedded := cfg.DatabaseURL == ""
	if embedded {
		stopDB, err := startEmbedded(ctx, e.stderr, cfg, log)
		if err != nil {
			return err
		}
		// Deferred first, so it runs last: after the pool is closed.
		defer stopDB()
		log = cfg.Logger(e.stderr) // now masking the cluster's password
	} else if len(cfg.SecretKey) == 0 {
		return &config.Error{Env: config.SecretKey.Env, Flag: config.SecretKey.Flag,
			Problem: "is required with DATABASE_URL: " + config.SecretKey.Usage, Example: config.SecretKey.Example}
	}
	if cfg.Development {
		log.Warn("development mode: password-reset links are logged; never use this in production")
	}
	st, closeDB, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	switch {
	case hooks.signIn != nil:
		if err := hooks.signIn(ctx, st); err != nil {
			return err
		}
	case embedded:
		if err := firstStart(ctx, e.stderr, st, cfg.PublicURL); err != nil {
			return err
		}
	}
	dl, err := openDelivery(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	// Closed after the embedded worker stopped (defers run last-first),
	// so the analytics of its last agents are flushed.
	defer func() {
		if err := dl.Close(); err != nil {
			log.Warn("closing the integrations", "error", err)
		}
	}()
	m := metrics.New()
	m.RegisterDatabase(st.Pool(), log)

	sched, closeWorker, err := openScheduler(ctx, e, cfg, st, dl, m, log)
	if err != nil {
		return err
	}
	defer closeWorker()
	recv, err := startServerMailbox(cfg, st, e.stderr, log)
	if err != nil {
		return err
	}
	defer stopMailbox(ctx, recv)
	hub, stopHub := startHub(ctx, st, log)
	defer stopHub()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("ARGUS_LISTEN %s: %v", cfg.Listen, err)}
	}
	if hooks.publicURLOfListener {
		cfg.PublicURL = listenerURL(ln)
	}
	// ARGUS_MODEL also ranks the tests a change may break (POST
	// /projects/{id}/select); without it the covers: and tag rules do.
	selModel, err := openModel(ctx, cfg, e.getenv, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv, a, err := newHTTP(ctx, cfg, st, sched, hub, dl, m, selModel, log)
	if err != nil {
		ln.Close()
		return err
	}
	if hooks.ready != nil {
		if err := hooks.ready(ctx, a, listenerURL(ln)); err != nil {
			ln.Close()
			return err
		}
	}
	if cfg.EmbeddedWorker {
		if err := sched.Start(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("embedded worker: %w", err)
		}
	}
	log.Info("argus serving", "listen", ln.Addr().String(), "public_url", cfg.PublicURL, "embedded_worker", cfg.EmbeddedWorker, "version", version)
	fmt.Fprintf(e.stderr, "argus: serving on http://%s (public URL %s)\n", ln.Addr(), cfg.PublicURL)

	serveErr := srv.Serve(ctx, ln)
	if cfg.EmbeddedWorker {
		// Serve returned after its own graceful shutdown; the worker hands
		// unfinished agents back within the same 30-second budget.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), server.DefaultShutdownTimeout)
		defer cancel()
		if err := sched.Stop(sctx); err != nil {
			serveErr = errors.Join(serveErr, fmt.Errorf("stopping the embedded worker: %w", err))
		}
	}
	if serveErr != nil {
		return serveErr
	}
	reason := "done"
	if c := context.Cause(ctx); c != nil {
		reason = c.Error()
	}
	log.Info("argus stopped", slog.String("reason", reason))
	return nil
}

// openScheduler builds the job system: insert-only for a plain server,
// with browsers and a model when the server embeds a worker. close
// releases the browsers.
func openScheduler(ctx context.Context, e *env, cfg *config.Config, st *store.Store, dl *delivery, m *metrics.Metrics, log *slog.Logger) (*jobs.Jobs, func(), error) {
	jcfg := jobs.Config{Pool: st.Pool(), Store: st, Blobs: dl.blobs, MaxAgents: cfg.MaxAgents,
		JobTimeout: cfg.JobTimeout, RescueStuckJobsAfter: cfg.RescueAfter, MailRetention: cfg.MailRetention, MailDomain: cfg.MailDomain, Observer: agentMetrics{m}, Logger: log,
		TargetPolicy: new(cfg.TargetPolicy()), Video: videoConfig(cfg, log), PublicURL: cfg.PublicURL}
	dl.wire(&jcfg)
	var err error
	if jcfg.SendMail, err = digestMailer(cfg); err != nil {
		return nil, nil, err
	}
	closeBrowsers := func() {}
	if cfg.EmbeddedWorker {
		browsers, err := openBrowsers(ctx, cfg, cfg.MaxAgents, "", log)
		if err != nil {
			return nil, nil, err
		}
		closeBrowsers = func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = browsers.Close(cctx)
		}
		if jcfg.Model, err = openModel(ctx, cfg, e.getenv, log); err != nil {
			closeBrowsers()
			return nil, nil, err
		}
		jcfg.Browser = browsers
		jcfg.Agent = agent.Config{Vision: e.getenv("ARGUS_MODEL_VISION") == "true", Logger: log}
	}
	sched, err := jobs.New(jcfg)
	if err != nil {
		closeBrowsers()
		return nil, nil, err
	}
	if testHookJobs != nil {
		testHookJobs(sched)
	}
	return sched, closeBrowsers, nil
}

// startHub runs the event hub that feeds live streams until stop.
func startHub(ctx context.Context, st *store.Store, log *slog.Logger) (*events.Hub, func()) {
	hub := events.NewHub(st.Pool(), log)
	hubCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { _ = hub.Run(hubCtx, nil); close(done) }()
	return hub, func() { cancel(); <-done }
}

// newHTTP builds the application layer and its two front ends on it: the
// API server, with the web UI as its fallback.
func newHTTP(ctx context.Context, cfg *config.Config, st *store.Store, sched *jobs.Jobs, hub *events.Hub, dl *delivery, m *metrics.Metrics, selModel llm.Model, log *slog.Logger) (*server.Server, *app.App, error) {
	acfg := app.Config{Store: st, Scheduler: sched, Blobs: dl.blobs, Hub: hub, PublicURL: cfg.PublicURL,
		Development: cfg.Development, TargetPolicy: cfg.TargetPolicy(), ValidateWebhookURL: dl.validateWebhookURL, MailDomain: cfg.MailDomain,
		Redeliver: dl.redeliver(sched.Client()), OperatorTenant: cfg.OperatorTenant, SelectionModel: selModel, DiscoveryMaxPages: cfg.DiscoveryMaxPages, Logger: log}
	// The application gets a mailer only when mail really goes out:
	// without one it logs links in development mode and otherwise hands
	// them to an admin, instead of claiming a mail was sent.
	if cfg.SMTPURL != "" {
		mailer, err := app.NewSMTPMailer(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, nil, &usageError{msg: fmt.Sprintf("ARGUS_SMTP_URL / ARGUS_MAIL_FROM: %v", err)}
		}
		acfg.Mailer = mailer
	}
	a, err := app.New(acfg)
	if err != nil {
		return nil, nil, err
	}
	river, err := riverUI(ctx, sched, log)
	if err != nil {
		return nil, nil, err
	}
	ui, err := web.New(web.Config{App: a, Logger: log, RiverUI: river})
	if err != nil {
		return nil, nil, err
	}
	srv, err := server.New(server.Config{App: a, Fallback: ui.Handler(), Logger: log, Metrics: m, RateLimit: rateLimits(cfg),
		LLMAppendix: mcp.LLMText})
	if err != nil {
		return nil, nil, err
	}
	// The MCP endpoint authenticates API keys itself (no cookies) and
	// streams, so it is mounted as a public streaming route.
	tools, err := mcp.HTTPHandler(a, mcp.Config{Version: version, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	for _, method := range []string{"GET", "POST", "DELETE"} {
		if err := srv.Handle(server.Route{Method: method, Pattern: "/mcp", Access: server.Public, Stream: true, Handler: tools}); err != nil {
			return nil, nil, err
		}
	}
	return srv, a, nil
}

// rateLimits restates the settings for the server, where 0 means the
// default and off is negative.
func rateLimits(cfg *config.Config) ratelimit.Config {
	rl := ratelimit.Config{Rate: cfg.RateLimit, Burst: cfg.RateBurst, MaxConcurrent: cfg.RateConcurrent, TrustedProxies: cfg.TrustedProxies}
	if rl.Rate == 0 {
		rl.Rate = -1
	}
	if rl.MaxConcurrent == 0 {
		rl.MaxConcurrent = -1
	}
	return rl
}

// agentMetrics feeds an embedded worker's agents into the collectors this
// process serves on /metrics.
type agentMetrics struct{ m *metrics.Metrics }

func (a agentMetrics) AgentStarted() { a.m.AgentsActive.Inc() }
func (a agentMetrics) AgentEnded()   { a.m.AgentsActive.Dec() }
func (a agentMetrics) StepRecorded(d time.Duration, in, out int64) {
	a.m.ObserveStep(d, int(in), int(out))
}
