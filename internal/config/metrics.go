package config

// MetricsListen makes `argus worker` serve /metrics and /healthz, so the
// workers of a scaled-out installation can be scraped like the server.
var MetricsListen = Setting{
	Env: "ARGUS_METRICS_LISTEN", Flag: "metrics-listen",
	Usage: "argus worker: address to serve Prometheus /metrics and /healthz on; empty serves none", Example: "127.0.0.1:9090",
	apply: func(c *Config, raw string) error { c.MetricsListen = raw; return nil },
}
