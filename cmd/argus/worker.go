package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/server/metrics"
)

// workerSettings are the settings `argus worker` reads.
var workerSettings = append([]config.Setting{
	config.DatabaseURL, config.Development, config.SecretKey, config.SecretKeyID, config.OldSecretKeys, config.BlobDir,
	config.Browser, config.GridURL, config.GridProxyAddress, config.BrowserImage, config.BrowserNetwork, config.NodeName, config.MaxAgents,
	config.BrowserIdleTimeout, config.PageLoadTimeout, config.Model,
	config.JobTimeout, config.RescueAfter, config.FFmpeg, config.VideoMaxMB, config.LogLevel, config.LogFormat, config.MetricsListen,
	// Where the browsers may go.
	config.TargetAllowPrivate, config.TargetAllowCIDRs,
	// For the links in webhooks, GitHub issues and digests.
	config.PublicURL,
	// The schedules' digest mail goes out from the workers.
	config.SMTPURL, config.MailFrom,
}, append(mailSettings, deliverySettings...)...)

const workerSynopsis = `worker [flags]

Runs agents queued by the server (River queue "agents"), at most
ARGUS_MAX_AGENTS at once, each in a fresh browser, recording steps and
screenshots as they happen. Run as many workers on as many hosts as you like
against one database. On SIGTERM or Ctrl-C the worker stops taking agents,
closes the browsers of those it runs and hands them back to the queue for
another worker. With ARGUS_MAIL_LISTEN it also receives the test mailboxes'
mail over SMTP.`

// workerStopTimeout bounds the graceful stop: closing browsers takes at
// most about 5 s each, in parallel.
const workerStopTimeout = 30 * time.Second

func runWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "worker", workerSynopsis)
	cfg, rest, err := loadConfig(e, fs, args, workerSettings...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("worker takes no arguments, got %q", strings.Join(rest, " "))
	}
	log := cfg.Logger(e.stderr)

	st, closeDB, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	dl, err := openDelivery(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	// Deferred first, so it runs after the browsers closed and the jobs
	// stopped: the analytics of the last agents are in the final flush.
	defer func() {
		if err := dl.Close(); err != nil {
			log.Warn("closing the integrations", "error", err)
		}
	}()
	model, err := openModel(ctx, cfg, e.getenv, log)
	if err != nil {
		return err
	}
	browsers, err := openBrowsers(ctx, cfg, cfg.MaxAgents, "", log)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := browsers.Close(cctx); err != nil {
			log.Warn("closing the browsers", "error", err)
		}
	}()

	recv, err := startServerMailbox(cfg, st, e.stderr, log)
	if err != nil {
		return err
	}
	defer stopMailbox(ctx, recv)

	m := metrics.New()
	m.RegisterDatabase(st.Pool(), log)
	if cfg.MetricsListen != "" {
		stopMetrics, err := serveMetrics(ctx, cfg.MetricsListen, m, e, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}

	jcfg := jobs.Config{
		Pool: st.Pool(), Store: st, Blobs: dl.blobs, Browser: browsers, Model: model,
		Agent:     agent.Config{Vision: e.getenv("ARGUS_MODEL_VISION") == "true", Logger: log},
		MaxAgents: cfg.MaxAgents, JobTimeout: cfg.JobTimeout, RescueStuckJobsAfter: cfg.RescueAfter, MailRetention: cfg.MailRetention, MailDomain: cfg.MailDomain,
		Observer: agentMetrics{m}, Logger: log, TargetPolicy: new(cfg.TargetPolicy()),
		Video: videoConfig(cfg, log), PublicURL: cfg.PublicURL,
	}
	if jcfg.SendMail, err = digestMailer(cfg); err != nil {
		return err
	}
	dl.wire(&jcfg)
	j, err := jobs.New(jcfg)
	if err != nil {
		return err
	}
	if testHookJobs != nil {
		testHookJobs(j)
	}
	if err := j.Start(ctx); err != nil {
		return err
	}
	log.Info("argus worker started", "max_agents", cfg.MaxAgents, "browser", cfg.Browser, "model", describeModel(model), "version", version)
	fmt.Fprintf(e.stderr, "argus: worker running up to %d agents with %s; stop with Ctrl-C or SIGTERM\n", cfg.MaxAgents, describeModel(model))

	<-ctx.Done()
	log.Info("argus worker stopping: handing unfinished agents back to the queue")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workerStopTimeout)
	defer cancel()
	if err := j.Stop(sctx); err != nil {
		return fmt.Errorf("stopping: %w", err)
	}
	log.Info("argus worker stopped")
	return nil
}

// serveMetrics serves the worker's collectors on addr until the returned
// function is called.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, e *env, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &config.Error{Env: config.MetricsListen.Env, Flag: config.MetricsListen.Flag,
			Problem: fmt.Sprintf("cannot listen on %s: %v", addr, err), Example: config.MetricsListen.Example}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "error", err)
		}
	}()
	fmt.Fprintf(e.stderr, "argus: worker metrics on http://%s/metrics\n", ln.Addr())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}
