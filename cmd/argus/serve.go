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
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/server/metrics"
	"github.com/argusqa/argus/web"
)

const serveSynopsis = `serve [flags]

Serves the REST API (/api/v1), the web UI, /healthz, /readyz and /metrics on
ARGUS_LISTEN. With --with-worker (ARGUS_EMBEDDED_WORKER=true) the same
process also runs agents; otherwise run workers elsewhere against the same
database. Stops gracefully on SIGINT/SIGTERM: requests get 30 s to finish
and an embedded worker hands unfinished agents back to the queue.`

var serveSettings = append([]config.Setting{
	config.DatabaseURL, config.SecretKey, config.SecretKeyID, config.OldSecretKeys,
	config.Listen, config.PublicURL, config.SMTPURL, config.MailFrom, config.Development,
	config.EmbeddedWorker, config.BlobDir,
	// Used by an embedded worker only.
	config.Browser, config.GridURL, config.BrowserImage, config.BrowserNetwork, config.MaxAgents,
	config.BrowserIdleTimeout, config.PageLoadTimeout, config.Model, config.JobTimeout, config.RescueAfter,
	config.LogLevel, config.LogFormat,
}, deliverySettings...)

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
	log := cfg.Logger(e.stderr)
	if cfg.Development {
		log.Warn("development mode: password-reset links are logged; never use this in production")
	}

	st, closeDB, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	pool := st.Pool()
	// The web UI gets a mailer only when mail really goes out: without
	// one it logs links in development mode and otherwise tells people
	// to ask their admin, instead of claiming a mail was sent.
	var mailer server.Mailer
	var uiMailer web.Mailer
	if cfg.SMTPURL != "" {
		if mailer, err = server.NewSMTPMailer(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return &usageError{msg: fmt.Sprintf("ARGUS_SMTP_URL / ARGUS_MAIL_FROM: %v", err)}
		}
		uiMailer = web.MailerFunc(func(ctx context.Context, to, subject, body string) error {
			return mailer.Send(ctx, server.Mail{To: to, Subject: subject, Body: body})
		})
	} else {
		mailer = &server.LogMailer{Logger: log, ShowBody: cfg.Development}
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
	blobs := dl.blobs
	m := metrics.New()
	m.RegisterDatabase(pool, log)

	// Jobs without a browser only inserts and cancels: the API's side.
	jcfg := jobs.Config{Pool: pool, Store: st, Blobs: blobs, MaxAgents: cfg.MaxAgents,
		JobTimeout: cfg.JobTimeout, RescueStuckJobsAfter: cfg.RescueAfter, Observer: agentMetrics{m}, Logger: log}
	dl.wire(&jcfg)
	var browsers browser.Provider
	if cfg.EmbeddedWorker {
		if browsers, err = openBrowsers(ctx, cfg, cfg.MaxAgents, "", log); err != nil {
			return err
		}
		defer func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = browsers.Close(cctx)
		}()
		if jcfg.Model, err = openModel(ctx, cfg, e.getenv, log); err != nil {
			return err
		}
		jcfg.Browser = browsers
		jcfg.Agent = agent.Config{Vision: e.getenv("ARGUS_MODEL_VISION") == "true", Logger: log}
	}
	sched, err := jobs.New(jcfg)
	if err != nil {
		return err
	}
	if testHookJobs != nil {
		testHookJobs(sched)
	}

	hub := events.NewHub(pool, log)
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hubDone := make(chan struct{})
	go func() { _ = hub.Run(hubCtx, nil); close(hubDone) }()
	defer func() { stopHub(); <-hubDone }()

	ui, err := web.New(web.Config{
		Store: st, Scheduler: sched, Blobs: blobs, Hub: hub, PublicURL: cfg.PublicURL, Logger: log,
		Development: cfg.Development, Mailer: uiMailer, Redeliver: dl.redeliver(sched.Client()),
		ValidateWebhookURL: dl.validateWebhookURL,
	})
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Store: st, Scheduler: sched, Hub: hub, Blobs: blobs, Fallback: ui.Handler(),
		PublicURL: cfg.PublicURL, Logger: log, Metrics: m, Mailer: mailer, Development: cfg.Development,
		ValidateWebhookURL: dl.validateWebhookURL,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("ARGUS_LISTEN %s: %v", cfg.Listen, err)}
	}
	if cfg.EmbeddedWorker {
		if err := sched.Start(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("embedded worker: %w", err)
		}
	}
	log.Info("argus serving", "listen", ln.Addr().String(), "public_url", cfg.PublicURL, "embedded_worker", cfg.EmbeddedWorker, "version", version)
	fmt.Fprintf(e.stderr, "argus: serving on http://%s (public URL %s)\n", ln.Addr(), cfg.PublicURL)

	defer context.AfterFunc(ctx, ui.CloseStreams)() // live UI pages must not hold up the graceful shutdown
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

// agentMetrics feeds an embedded worker's agents into the collectors this
// process serves on /metrics.
type agentMetrics struct{ m *metrics.Metrics }

func (a agentMetrics) AgentStarted() { a.m.AgentsActive.Inc() }
func (a agentMetrics) AgentEnded()   { a.m.AgentsActive.Dec() }
func (a agentMetrics) StepRecorded(d time.Duration, in, out int64) {
	a.m.ObserveStep(d, int(in), int(out))
}
