package config

import (
	"fmt"
	"strings"
)

// Settings of video recordings and discovery.
var (
	DiscoveryMaxPages = intSetting("ARGUS_DISCOVERY_MAX_PAGES", "discovery-max-pages", "100", 1,
		"the server's page budget of one discovery (page loads, probes included) and the most a request may ask for",
		func(c *Config) *int { return &c.DiscoveryMaxPages })
	FFmpeg = Setting{
		Env: "ARGUS_FFMPEG", Flag: "ffmpeg", Default: "ffmpeg",
		Usage:   "the ffmpeg executable that encodes agents' videos (Debian's ffmpeg package; `make deps` installs it); only used when a test or project records video",
		Example: "/usr/bin/ffmpeg",
		apply:   func(c *Config, raw string) error { c.FFmpeg = strings.TrimSpace(raw); return nil },
	}
	VideoMaxMB = intSetting("ARGUS_VIDEO_MAX_MB", "video-max-mb", "25", 1,
		"largest video of one agent, in MiB: the recording stops there and keeps what it has (several minutes of an ordinary page at the default)",
		func(c *Config) *int { return &c.VideoMaxMB })
	Video = Setting{
		Env: "ARGUS_VIDEO", Flag: "video", Default: "off",
		Usage:   "`argus run`: record the browser of tests without a video: key — on, on-failure (kept only for failed and errored tests) or off; the WebM files go into the --report directory, which recording needs",
		Example: "on-failure",
		apply: func(c *Config, raw string) error {
			switch raw {
			case "on", "on-failure", "off":
				c.Video = raw
				return nil
			}
			return fmt.Errorf("must be on, on-failure or off")
		},
	}
)
