// Package jobs schedules agents on River, the PostgreSQL job queue: one
// River job per agent, worked by any number of worker processes on any
// number of hosts against one database.
//
// A run is created by store.CreateRun with [Jobs.Enqueue] as its enqueue
// callback, so the agents' jobs are inserted in the same transaction as
// their rows: a run never exists without its jobs, nor a job without its
// agent. A worker takes an agent job from the "agents" queue (at most
// Config.MaxAgents at once per process, the per-node browser cap), starts the
// agent in a fresh browser and records every step as it happens — the step
// row, its screenshot in blob storage, the agent's progress and an event for
// the live views — then the verdict and the run's new status.
//
// Other packages plug in through Config: RegisterWorkers and Queues add
// their River workers (webhook delivery, issue reports) to the worker
// processes, PeriodicJobs their periodic jobs, and AgentFinished hears of
// every agent that ends, to enqueue their notifications.
//
// # Attempts
//
// An agent job has at most three attempts. A verdict — passed, failed,
// error from a limit — ends the job: a failed test is never retried.
// Only infrastructure failures are: the browser would not start or was
// lost, or the model stayed unreachable after its own retries. Such an
// attempt ends with an error returned to River, which runs the job again
// after Config.RetryDelay × attempt; the agent row shows the attempt
// number and each attempt's steps carry theirs. The last attempt records
// the error verdict.
//
// A worker that dies mid-agent (killed, crashed, host lost) leaves its job
// running in the database; after Config.RescueStuckJobsAfter River's rescuer
// makes it available again and the agent runs from the start as a new
// attempt. A worker that stops gracefully ([Jobs.Stop]) hands its unfinished
// agents back to the queue at once, without using up an attempt.
//
// # Cancellation
//
// [Jobs.CancelAgent] marks the agent cancelled and cancels its River job. A
// queued job is cancelled in the database; a running one gets its context
// cancelled wherever it runs (River delivers the cancellation to the worker
// holding it), the agent stops at its next browser or model call and the
// browser is closed, which destroys it within 5 s. A worker also notices an
// agent row cancelled by other means after each step.
//
// # Maintenance
//
// Periodic River jobs purge expired login sessions, password-reset tokens
// and OAuth states (store.PurgeExpired) every Config.PurgeInterval, and
// record as errors (reason "worker_lost") agents left open by a job that
// ended without them — a worker killed on the last attempt — every
// Config.ReconcileInterval. River's
// own cleaner deletes finished jobs after their retention periods (completed
// 2 h, cancelled 24 h, discarded 24 h). Orphaned browser containers are
// reaped by each worker process for its own node, when its browser provider
// can reap (the docker provider).
package jobs
