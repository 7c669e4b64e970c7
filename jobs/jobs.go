package jobs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/argusqa/argus/agent"
)

// agentsFetchCooldown is the least time between two fetches of the agents
// queue. River's 100 ms default batches fetches of cheap jobs; an agent
// runs for seconds to minutes, so a fetch costs nothing next to it and a
// newly queued agent should start at once (enqueue → start p95 fell from
// ~60 ms to ~5 ms in BenchmarkEnqueueToStart).
const agentsFetchCooldown = 10 * time.Millisecond

// Jobs is Argus's scheduler: it enqueues agents and, in a worker process,
// works them. It implements the server's Scheduler contract (Enqueue,
// CancelAgent) and is safe for concurrent use.
type Jobs struct {
	cfg    Config
	client *river.Client[pgx.Tx]
	rc     *river.Config
	agent  *agent.Agent

	mu         sync.Mutex
	stopReaper context.CancelFunc
	reaperDone chan struct{}
}

// New builds the River client with Argus's workers, queues, periodic jobs
// and retention. It starts nothing: call Start in a worker process.
func New(cfg Config) (*Jobs, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	j := &Jobs{cfg: cfg}
	a, err := agent.New(cfg.Agent)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	j.agent = a

	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &agentWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &purgeWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &reconcileWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if cfg.SendMail != nil {
		if err := river.AddWorkerSafely(workers, &digestWorker{j: j}); err != nil {
			return nil, err
		}
	}
	if err := river.AddWorkerSafely(workers, &scheduleWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &discoveryWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if cfg.RegisterWorkers != nil {
		if err := cfg.RegisterWorkers(workers); err != nil {
			return nil, fmt.Errorf("jobs: registering workers: %w", err)
		}
	}
	rc := &river.Config{
		Workers:                     workers,
		Logger:                      cfg.Logger,
		JobTimeout:                  cfg.JobTimeout,
		RescueStuckJobsAfter:        cfg.RescueStuckJobsAfter,
		CompletedJobRetentionPeriod: cfg.CompletedJobRetention,
		CancelledJobRetentionPeriod: cfg.CancelledJobRetention,
		DiscardedJobRetentionPeriod: cfg.DiscardedJobRetention,
		MaxAttempts:                 MaxAttempts,
		TestOnly:                    cfg.riverTest,
		FetchCooldown:               cfg.fetchCooldown,
		FetchPollInterval:           cfg.fetchPoll,
	}
	if cfg.Browser != nil {
		rc.Queues = map[string]river.QueueConfig{
			QueueAgents:      {MaxWorkers: cfg.MaxAgents, FetchCooldown: agentsFetchCooldown},
			QueueMaintenance: {MaxWorkers: 1},
			QueueDiscovery:   {MaxWorkers: 1},
		}
		maps.Copy(rc.Queues, cfg.Queues)
		rc.PeriodicJobs = append([]*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.PurgeInterval),
				func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
				&river.PeriodicJobOpts{ID: "argus_purge_expired", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.ReconcileInterval),
				func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
				&river.PeriodicJobOpts{ID: "argus_reconcile_agents", RunOnStart: true}),
			river.NewPeriodicJob(onTheInterval(cfg.ScheduleInterval),
				func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, nil },
				&river.PeriodicJobOpts{ID: "argus_fire_schedules", RunOnStart: true}),
		}, cfg.PeriodicJobs...)
		if cfg.SendMail != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(onTheInterval(cfg.ScheduleInterval),
				func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
				&river.PeriodicJobOpts{ID: "argus_send_digests", RunOnStart: true}))
		}
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	j.client, j.rc = client, rc
	return j, nil
}

// Client is the River client, for other packages' job insertion
// (InsertTx with their own args) and for health checks.
func (j *Jobs) Client() *river.Client[pgx.Tx] { return j.client }

// Config returns the configuration with defaults applied.
func (j *Jobs) Config() Config { return j.cfg }

// Start starts working jobs: the agents queue (MaxAgents at once), the
// maintenance queue and any extra queues, River's leader election (the
// leader enqueues periodic jobs, rescues stuck jobs and deletes old ones),
// and the reaping of orphaned browsers when the provider can. An
// insert-only Jobs (no Browser) has nothing to start and returns nil.
// Start returns once started; the work goes on until Stop, even when ctx
// ends: only Stop hands running agents back to the queue and waits until
// they are, so a caller must call it to shut down cleanly.
func (j *Jobs) Start(ctx context.Context) error {
	if j.cfg.Browser == nil {
		return nil
	}
	// River would begin stopping, without waiting, when the start context
	// ends; Stop is the one way to stop so that it can wait.
	if err := j.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	if r, ok := j.cfg.Browser.(reaper); ok && j.cfg.ReapInterval > 0 {
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		j.mu.Lock()
		j.stopReaper, j.reaperDone = cancel, done
		j.mu.Unlock()
		go func() {
			defer close(done)
			j.reapLoop(rctx, r)
		}()
	}
	return nil
}

// Stop stops working jobs. Agents still running in this process are handed
// back to the queue: their contexts are cancelled, each closes its browser
// (destroying it), and River makes their jobs available again at once
// without counting the attempt, so another worker (or this one after a
// restart) runs them from the start; the agent rows stay running meanwhile
// and the next run of an agent records its steps under a new attempt
// number. Stop returns when every agent has been handed back, or when ctx
// ends first (then with ctx's error; River's rescuer picks up whatever was
// not handed back after RescueStuckJobsAfter).
func (j *Jobs) Stop(ctx context.Context) error {
	j.mu.Lock()
	stopReaper, reaperDone := j.stopReaper, j.reaperDone
	j.stopReaper, j.reaperDone = nil, nil
	j.mu.Unlock()
	if stopReaper != nil {
		stopReaper()
		<-reaperDone
	}
	if j.cfg.Browser == nil {
		return nil
	}
	if err := j.client.StopAndCancel(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// reaper is a browser provider that can remove browsers left behind by a
// crashed process on this node (browser/docker).
type reaper interface {
	Reap(ctx context.Context) (int, error)
}

// reapLoop reaps orphaned browsers every ReapInterval. It runs in each
// worker process rather than as a River job because containers belong to a
// node: a River job would run on whichever worker fetched it.
func (j *Jobs) reapLoop(ctx context.Context, r reaper) {
	t := time.NewTicker(j.cfg.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.Reap(ctx)
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			j.cfg.Logger.Warn("reaping orphaned browsers", "error", err)
		case n > 0:
			j.cfg.Logger.Info("reaped orphaned browsers", "count", n)
		}
	}
}
