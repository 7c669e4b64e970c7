package config

import "time"

// Settings of the agent workers (`argus worker`, and `argus serve
// --with-worker`).
var (
	JobTimeout = durationSetting("ARGUS_JOB_TIMEOUT", "job-timeout", "30m",
		"longest one agent job may run before its context ends (the test's own timeout applies inside it)",
		func(c *Config) *time.Duration { return &c.JobTimeout })
	RescueAfter = durationSetting("ARGUS_RESCUE_AFTER", "rescue-after", "35m",
		"an agent job running this long is taken to be lost with its worker and runs again as a new attempt; must exceed ARGUS_JOB_TIMEOUT",
		func(c *Config) *time.Duration { return &c.RescueAfter })
)
