package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Setting declares one configuration value: where it comes from, its default,
// and how it is parsed into a [Config].
type Setting struct {
	// Env is the environment variable, e.g. "DATABASE_URL".
	Env string
	// Flag is the equivalent command-line flag without dashes.
	Flag string
	// Default is used when neither flag nor environment give a value.
	Default string
	// Required settings must end up non-empty.
	Required bool
	// Secret settings are never echoed back in errors or help output.
	Secret bool
	// Usage is the one-line meaning shown in help and in the README table.
	Usage string
	// Example is a valid value, shown when a given value is missing or wrong.
	Example string

	apply func(c *Config, raw string) error
}

// Optional is the setting without its requirement, for a command that can
// do without it (argus serve starts an embedded database when DATABASE_URL
// is empty).
func (s Setting) Optional() Setting {
	s.Required = false
	return s
}

// Error is returned for a missing or malformed setting.
type Error struct {
	Env, Flag string
	Problem   string
	Example   string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s (flag --%s) %s", e.Env, e.Flag, e.Problem)
	if e.Example != "" {
		msg += "; for example: " + e.Example
	}
	return msg
}

// The settings Argus knows. Subcommands pick the ones they use.
var (
	DatabaseURL = Setting{
		Env: "DATABASE_URL", Flag: "database-url", Required: true, Secret: true,
		Usage:   "PostgreSQL connection URL (PostgreSQL 15+; use sslmode=require in production)",
		Example: "postgres://argus:secret@127.0.0.1:5432/argus?sslmode=disable",
		apply: func(c *Config, raw string) error {
			if raw == "" { // allowed only where the setting is Optional
				c.DatabaseURL = ""
				return nil
			}
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
				return errors.New("must be a postgres:// or postgresql:// URL")
			}
			c.DatabaseURL = raw
			return nil
		},
	}
	SecretKey = Setting{
		Env: "ARGUS_SECRET_KEY", Flag: "secret-key", Required: true, Secret: true,
		Usage:   "32 random bytes, base64-encoded: the AES-256-GCM key for stored credentials",
		Example: "the output of `openssl rand -base64 32`",
		apply: func(c *Config, raw string) error {
			if raw == "" { // allowed only where the setting is Optional
				c.SecretKey = nil
				return nil
			}
			key, err := decodeKey(raw)
			if err != nil {
				return err
			}
			c.SecretKey = key
			return nil
		},
	}
	SecretKeyID = Setting{
		Env: "ARGUS_SECRET_KEY_ID", Flag: "secret-key-id", Default: "k1",
		Usage:   "name stored beside each ciphertext; change it when you rotate ARGUS_SECRET_KEY",
		Example: "k2",
		apply: func(c *Config, raw string) error {
			if err := validKeyID(raw); err != nil {
				return err
			}
			c.SecretKeyID = raw
			return nil
		},
	}
	OldSecretKeys = Setting{
		Env: "ARGUS_OLD_SECRET_KEYS", Flag: "old-secret-keys", Secret: true,
		Usage:   "retired keys still accepted for decryption during a rotation, as id=base64 pairs separated by commas",
		Example: "k1=3q2+7w...=",
		apply: func(c *Config, raw string) error {
			c.OldSecretKeys = map[string][]byte{}
			if raw == "" {
				return nil
			}
			for pair := range strings.SplitSeq(raw, ",") {
				id, enc, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if !ok {
					return fmt.Errorf("entry %q is not of the form id=base64key", redactedHead(pair))
				}
				if err := validKeyID(id); err != nil {
					return fmt.Errorf("key id %q: %w", id, err)
				}
				key, err := decodeKey(enc)
				if err != nil {
					return fmt.Errorf("key %q: %w", id, err)
				}
				c.OldSecretKeys[id] = key
			}
			return nil
		},
	}
	LogLevel = Setting{
		Env: "ARGUS_LOG_LEVEL", Flag: "log-level", Default: "info",
		Usage: "minimum log level: debug, info, warn or error", Example: "debug",
		apply: func(c *Config, raw string) error {
			return c.LogLevel.UnmarshalText([]byte(raw))
		},
	}
	LogFormat = Setting{
		Env: "ARGUS_LOG_FORMAT", Flag: "log-format", Default: "text",
		Usage: "log format: text or json", Example: "json",
		apply: func(c *Config, raw string) error {
			if raw != "text" && raw != "json" {
				return errors.New(`must be "text" or "json"`)
			}
			c.LogFormat = raw
			return nil
		},
	}
	Listen = Setting{
		Env: "ARGUS_LISTEN", Flag: "listen", Default: ":8080",
		Usage: "HTTP listen address of the server", Example: "127.0.0.1:8080",
		apply: func(c *Config, raw string) error {
			if !strings.Contains(raw, ":") {
				return errors.New("must be host:port or :port")
			}
			c.Listen = raw
			return nil
		},
	}
	PublicURL = Setting{
		Env: "ARGUS_PUBLIC_URL", Flag: "public-url", Default: "http://localhost:8080",
		Usage: "external base URL of the server, used in links sent out", Example: "https://argus.example.com",
		apply: func(c *Config, raw string) error {
			if err := checkHTTPURL(raw); err != nil {
				return err
			}
			c.PublicURL = strings.TrimRight(raw, "/")
			return nil
		},
	}
	Browser = Setting{
		Env: "ARGUS_BROWSER", Flag: "browser", Default: "local",
		Usage: "browser provider: local (chromedriver on this host), docker (ephemeral container per agent) or grid (remote W3C endpoint)", Example: "docker",
		apply: func(c *Config, raw string) error {
			switch raw {
			case "local", "docker", "grid":
				c.Browser = raw
				return nil
			}
			return errors.New(`must be "local", "docker" or "grid"`)
		},
	}
	GridURL = Setting{
		Env: "ARGUS_GRID_URL", Flag: "grid-url",
		Usage: "W3C WebDriver endpoint for ARGUS_BROWSER=grid, e.g. a Selenium Grid 4 hub", Example: "http://grid.internal:4444",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				return nil
			}
			if err := checkHTTPURL(raw); err != nil {
				return err
			}
			c.GridURL = raw
			return nil
		},
	}
	GridProxyAddress = Setting{
		Env: "ARGUS_GRID_PROXY_ADDRESS", Flag: "grid-proxy-address", Default: "127.0.0.1",
		Usage: "IP address of this worker that Grid nodes reach: with ARGUS_BROWSER=grid each browser's egress proxy (the target policy) listens there; the default reaches only a Grid on this machine (in Kubernetes: the pod IP)", Example: "10.8.0.12",
		apply: func(c *Config, raw string) error {
			ip, err := netip.ParseAddr(raw)
			if err != nil || ip.IsUnspecified() || ip.Zone() != "" {
				return errors.New("must be one IP address of this machine that the Grid's nodes can connect to, e.g. 10.8.0.12 (not a name, not 0.0.0.0)")
			}
			c.GridProxyAddress = ip.String()
			return nil
		},
	}
	BrowserNetwork = Setting{
		Env: "ARGUS_BROWSER_NETWORK", Flag: "browser-network",
		Usage: "Docker network of browser containers: empty for the default bridge, host, or a network name (argus run picks host for a loopback base URL)", Example: "host",
		apply: func(c *Config, raw string) error { c.BrowserNetwork = raw; return nil },
	}
	NodeName = Setting{
		Env: "ARGUS_NODE_NAME", Flag: "node-name",
		Usage: "name of this node's docker browsers: their containers carry it, and the reaper removes only orphans of its own node; empty: the host name. Workers sharing one Docker engine (compose with host networking) need different names, or each removes the other's browsers", Example: "worker-1",
		apply: func(c *Config, raw string) error {
			if raw != "" && !nodeNamePattern.MatchString(raw) {
				return errors.New("must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit")
			}
			c.NodeName = raw
			return nil
		},
	}
	BaseURL = Setting{
		Env: "ARGUS_BASE_URL", Flag: "base-url",
		Usage: "application under test for argus run; test URLs resolve against it", Example: "http://127.0.0.1:3000",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				return nil
			}
			if err := checkHTTPURL(raw); err != nil {
				return err
			}
			c.BaseURL = raw
			return nil
		},
	}
	Parallel = Setting{
		Env: "ARGUS_PARALLEL", Flag: "parallel",
		Usage: "tests argus run runs at once (default ARGUS_MAX_AGENTS)", Example: "2",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				return nil
			}
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 64 {
				return errors.New("must be a whole number from 1 to 64")
			}
			c.Parallel = n
			return nil
		},
	}
	JUnitPath = Setting{
		Env: "ARGUS_JUNIT", Flag: "junit",
		Usage: "file argus run writes JUnit XML to", Example: "out/junit.xml",
		apply: func(c *Config, raw string) error { c.JUnitPath = raw; return nil },
	}
	ReportDir = Setting{
		Env: "ARGUS_REPORT_DIR", Flag: "report",
		Usage: "directory argus run writes the HTML report and screenshots to", Example: "out/report",
		apply: func(c *Config, raw string) error { c.ReportDir = raw; return nil },
	}
	BrowserImage = Setting{
		Env: "ARGUS_BROWSER_IMAGE", Flag: "browser-image", Default: "argus-browser:1",
		Usage: "container image for ARGUS_BROWSER=docker (build it with `make browser-image`)", Example: "argus-browser:156",
		apply: func(c *Config, raw string) error { c.BrowserImage = raw; return nil },
	}
	MaxAgents = Setting{
		Env: "ARGUS_MAX_AGENTS", Flag: "max-agents", Default: "5",
		Usage: "agents (and browsers) run at once on this node", Example: "3",
		apply: func(c *Config, raw string) error {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 64 {
				return errors.New("must be a whole number from 1 to 64")
			}
			c.MaxAgents = n
			return nil
		},
	}
	BrowserIdleTimeout = durationSetting("ARGUS_BROWSER_IDLE_TIMEOUT", "browser-idle-timeout", "600s",
		"a browser that receives no command for this long is destroyed", func(c *Config) *time.Duration { return &c.BrowserIdleTimeout })
	PageLoadTimeout = durationSetting("ARGUS_PAGE_LOAD_TIMEOUT", "page-load-timeout", "30s",
		"longest wait for one page load", func(c *Config) *time.Duration { return &c.PageLoadTimeout })
	Model = Setting{
		Env: "ARGUS_MODEL", Flag: "model",
		Usage: "language model as provider:model (gemini, vertex, openai, anthropic, mistral, xai, deepseek, groq, cerebras, ollama, vllm); empty runs explicit steps and replays only", Example: "gemini:gemini-2.5-flash",
		apply: func(c *Config, raw string) error {
			if raw != "" {
				if p, m, ok := strings.Cut(raw, ":"); !ok || p == "" || m == "" {
					return errors.New("must be provider:model")
				}
			}
			c.Model = raw
			return nil
		},
	}
)

// All lists every setting, in the order of the README's configuration table.
var All = []Setting{
	DatabaseURL, SecretKey, SecretKeyID, OldSecretKeys, Listen, PublicURL,
	Browser, GridURL, GridProxyAddress, BrowserImage, BrowserNetwork, NodeName, MaxAgents, BrowserIdleTimeout, PageLoadTimeout,
	Model, BaseURL, Parallel, JUnitPath, ReportDir, LogLevel, LogFormat,
	SMTPURL, MailFrom, MailListen, MailDomain, MailRetention, MailQuota, MailMaxMessageMiB, Development, EmbeddedWorker,
	RateLimit, RateBurst, RateConcurrent, TrustedProxies, DataDir, OperatorTenant, BlobDir,
	JobTimeout, RescueAfter,
	Server, APIKey, Project, Commit, Branch, ChangedFiles, Since,
	WebhookAllowPrivate, WebhookAllowCIDRs, TargetAllowPrivate, TargetAllowCIDRs, BlockThirdParty, PostHogKey, PostHogHost,
	BlobURL, GitHubAppID, GitHubAppPrivateKey, GitHubAPIURL,
	FFmpeg, VideoMaxMB, Video, DiscoveryMaxPages,
}

func durationSetting(env, flag, def, usage string, field func(*Config) *time.Duration) Setting {
	return Setting{
		Env: env, Flag: flag, Default: def, Usage: usage, Example: def,
		apply: func(c *Config, raw string) error {
			d, err := time.ParseDuration(raw)
			if err != nil || d <= 0 {
				return errors.New("must be a positive duration such as 45s or 10m")
			}
			*field(c) = d
			return nil
		},
	}
}

func decodeKey(raw string) ([]byte, error) {
	raw = strings.TrimSpace(raw)
	var key []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if key, err = enc.DecodeString(raw); err == nil {
			break
		}
	}
	if err != nil {
		return nil, errors.New("is not valid base64")
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("must decode to exactly 32 bytes, got %d", len(key))
	}
	return key, nil
}

func validKeyID(id string) error {
	if id == "" || len(id) > 32 {
		return errors.New("must be 1 to 32 characters")
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return errors.New("may contain only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}

// redactedHead keeps error messages about secret values from echoing them.
func redactedHead(s string) string {
	if len(s) <= 3 {
		return "…"
	}
	return s[:3] + "…"
}

// checkHTTPURL accepts an absolute http or https URL.
func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}

// nodeNamePattern is what the docker provider accepts as a node name (it
// becomes part of container names and label filters).
var nodeNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
