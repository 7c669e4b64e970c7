// Package metrics holds Argus's Prometheus collectors. The HTTP server
// exposes them on /metrics; workers update the agent collectors, so both
// import this small package rather than each other.
package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the collectors of one process.
type Metrics struct {
	// Registry is what /metrics serves.
	Registry *prometheus.Registry

	// AgentsActive counts agents running in this process (workers
	// increment it when an agent starts and decrement it when it ends).
	AgentsActive prometheus.Gauge
	// StepDuration observes the time of one agent step (observe + model +
	// act), in seconds.
	StepDuration prometheus.Histogram
	// Tokens counts model tokens used, by direction ("input", "output").
	Tokens *prometheus.CounterVec

	// HTTPRequests counts requests by route pattern, method and status.
	HTTPRequests *prometheus.CounterVec
	// HTTPDuration observes request latency by route pattern.
	HTTPDuration *prometheus.HistogramVec
}

// New creates the collectors and registers them, with Go runtime and
// process collectors, on a new registry.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		AgentsActive: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "argus_worker_agents_active", Help: "Agents running in this process.",
		}),
		StepDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "argus_step_duration_seconds", Help: "Duration of one agent step: observe, model and act.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60},
		}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "argus_model_tokens_total", Help: "Model tokens used, as reported by the provider.",
		}, []string{"direction"}),
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "argus_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "argus_http_request_duration_seconds", Help: "HTTP request latency by route (streams excluded).",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.AgentsActive, m.StepDuration, m.Tokens, m.HTTPRequests, m.HTTPDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveStep records one finished step: its duration and the tokens it
// used. A convenience for workers.
func (m *Metrics) ObserveStep(d time.Duration, inputTokens, outputTokens int) {
	m.StepDuration.Observe(d.Seconds())
	m.Tokens.WithLabelValues("input").Add(float64(inputTokens))
	m.Tokens.WithLabelValues("output").Add(float64(outputTokens))
}

// RegisterDatabase adds collectors read from PostgreSQL at scrape time, so
// every process reports the same cluster-wide numbers: the River queue
// depth by queue and state, and agents by status.
func (m *Metrics) RegisterDatabase(pool *pgxpool.Pool, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m.Registry.MustRegister(&dbCollector{pool: pool, log: log})
}

var (
	queueDepthDesc = prometheus.NewDesc("argus_queue_jobs",
		"River jobs not yet finished, by queue and state (available, scheduled, retryable, running).",
		[]string{"queue", "state"}, nil)
	agentsDesc = prometheus.NewDesc("argus_agents",
		"Agents queued or running across all workers, by status.", []string{"status"}, nil)
	scrapeErrDesc = prometheus.NewDesc("argus_metrics_database_up",
		"1 when the last scrape could read the database, else 0.", nil, nil)
)

// dbCollector counts rows at scrape time. It reads across tenants as the
// connection's own role: it reports counts, never rows.
type dbCollector struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepthDesc
	ch <- agentsDesc
	ch <- scrapeErrDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	up := 1.0
	if err := c.collect(ctx, ch); err != nil {
		c.log.Warn("metrics: cannot read the database", "error", err)
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, up)
}

func (c *dbCollector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	rows, err := c.pool.Query(ctx, `
		SELECT queue, state::text, count(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running')
		GROUP BY 1, 2`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var queue, state string
		var n int64
		if err := rows.Scan(&queue, &state, &n); err != nil {
			rows.Close()
			return err
		}
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n), queue, state)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Both statuses are always reported, so a dashboard sees a zero rather
	// than a gap.
	var queued, running int64
	err = c.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'running')
		FROM agents WHERE status IN ('queued', 'running')`).Scan(&queued, &running)
	if err != nil {
		return err
	}
	ch <- prometheus.MustNewConstMetric(agentsDesc, prometheus.GaugeValue, float64(queued), "queued")
	ch <- prometheus.MustNewConstMetric(agentsDesc, prometheus.GaugeValue, float64(running), "running")
	return nil
}
