// Package config loads Argus's settings from environment variables and
// command-line flags of the same meaning.
//
// Every setting is declared once, as a [Setting], with its environment
// variable, flag name, default and documentation. Subcommands choose the
// settings they use; [Load] fills a [Config] from flags (highest precedence),
// then the environment, then the default, and validates each value so a
// malformed value stops the program at once with a message that names the
// variable and shows what a valid value looks like.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"time"
)

// Config is the process configuration. The zero value is not usable; fill it
// with [Load] (or set the fields in code and call [Config.Validate]).
type Config struct {
	// DatabaseURL is the PostgreSQL connection URL. Required by every
	// command that touches the database.
	DatabaseURL string

	// SecretKey is the 256-bit key that encrypts stored credentials
	// (AES-256-GCM). Given as base64 of exactly 32 bytes.
	SecretKey []byte

	// SecretKeyID names SecretKey. It is stored beside every ciphertext so
	// that keys can be rotated. Default: "k1".
	SecretKeyID string

	// OldSecretKeys are retired keys, by id, still accepted for decryption
	// during a key rotation. Empty by default.
	OldSecretKeys map[string][]byte

	// LogLevel is the minimum level logged. Default: info.
	LogLevel slog.Level

	// LogFormat is "text" (default) or "json".
	LogFormat string

	// OperatorTenant is the tenant whose admins see River's UI at
	// /admin/river. Default "": the tenant created first.
	OperatorTenant string

	// Listen is the HTTP listen address of `argus serve`. Default ":8080".
	Listen string

	// PublicURL is the externally reachable base URL of the server, used in
	// links sent out (webhooks, GitHub issues, mails). Default
	// "http://localhost:8080".
	PublicURL string

	// FFmpeg is the ffmpeg executable of video recordings. Default
	// "ffmpeg".
	FFmpeg string
	// VideoMaxMB caps one agent's video, in MiB. Default 25.
	VideoMaxMB int
	// DiscoveryMaxPages is the page budget of a discovery on the server.
	// Default 100.
	DiscoveryMaxPages int
	// Video is argus run's video mode for tests without their own: on,
	// on-failure or off (default).
	Video string

	// Browser selects the browser provider: "local" (default), "docker" or
	// "grid".
	Browser string

	// GridURL is the W3C WebDriver endpoint of a Selenium Grid 4 hub (or any
	// W3C endpoint). Required when Browser is "grid".
	GridURL string

	// GridProxyAddress is the IP address of this process that Grid nodes
	// reach: each session's egress proxy (the browser's only way out, see
	// browser.EgressPolicy) listens there on a port of its own. Default
	// 127.0.0.1, which only a Grid on this machine reaches.
	GridProxyAddress string

	// BrowserImage is the container image the docker provider starts.
	// Default "argus-browser:1" (docker/browser/build.sh tags it).
	BrowserImage string

	// MaxAgents is the number of agents (and browsers) run at once on this
	// node. Default 5.
	MaxAgents int

	// BrowserIdleTimeout destroys a browser that received no command for
	// this long. Default 600 s.
	BrowserIdleTimeout time.Duration

	// PageLoadTimeout bounds each navigation. Default 30 s.
	PageLoadTimeout time.Duration

	// Model selects the language model as provider:model, for example
	// "gemini:gemini-2.5-flash". Empty means no model: only explicit steps
	// and saved replays run.
	Model string

	// BaseURL is the application under test for `argus run`; test URLs
	// resolve against it. Empty: every test needs an absolute URL.
	BaseURL string

	// Parallel is how many tests `argus run` runs at once. Default 0,
	// meaning MaxAgents.
	Parallel int

	// BrowserNetwork is the Docker network browser containers join: ""
	// (Docker's default bridge), "host", or a network's name. `argus run`
	// uses "host" when it is empty and the base URL is on loopback.
	BrowserNetwork string

	// NodeName labels this node's docker browser containers and scopes
	// its reaper. Default "": the host name.
	NodeName string

	// JUnitPath is where `argus run` writes JUnit XML. Empty: none.
	JUnitPath string

	// ReportDir is where `argus run` writes the HTML report and
	// screenshots. Empty: none.
	ReportDir string

	// SMTPURL is the mail server `argus serve` sends password-reset and
	// invitation mail through. Empty: mail is logged (links only in
	// Development mode).
	SMTPURL string

	// MailFrom is the sender of that mail. Default "argus@localhost".
	MailFrom string

	// Development relaxes production safeguards for a developer's machine:
	// mail that cannot be sent is logged with its links. Default false.
	Development bool

	// EmbeddedWorker makes `argus serve` run agent workers in-process
	// (flag --with-worker). Default false.
	EmbeddedWorker bool

	// ChangedFiles is the file (- for stdin) of changed paths `argus run
	// --server` selects tests by. Empty: no selection.
	ChangedFiles string

	// Since is the git ref `argus run --server` selects tests by the
	// change since. Empty: no selection.
	Since string

	// RateLimit is the requests per second one client may make to
	// `argus serve`. Default 30; 0 turns the limit off.
	RateLimit float64

	// RateBurst is how many requests a quiet client may send at once.
	// Default 50.
	RateBurst int

	// RateConcurrent caps one client's requests in flight. Default 10; 0
	// turns the cap off.
	RateConcurrent int

	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	// Default none.
	TrustedProxies []netip.Prefix

	// DataDir is where `argus serve` keeps its embedded PostgreSQL cluster
	// and generated secret key when no DatabaseURL is given. Default
	// "data".
	DataDir string

	// BlobDir is the directory of local blob storage (screenshots).
	// Default "data/blobs".
	BlobDir string

	// MetricsListen is where `argus worker` serves /metrics; empty: nowhere.
	MetricsListen string

	// Server, APIKey, Project, Commit and Branch configure `argus run
	// --server`: the server to run on, the key to authenticate with, the
	// project (id or name) and the code version recorded on the run.
	Server, APIKey, Project, Commit, Branch string

	// JobTimeout bounds one agent job of a worker. Default 30 min.
	JobTimeout time.Duration

	// RescueAfter is how long an agent job may run before River takes it
	// for lost (its worker died) and runs it again. Default 35 min; it must
	// exceed JobTimeout.
	RescueAfter time.Duration

	// WebhookAllowPrivate lets webhook endpoints use loopback, private,
	// link-local and other non-public addresses. Default false.
	WebhookAllowPrivate bool

	// WebhookAllowCIDRs are non-public address ranges webhook endpoints
	// may use even when WebhookAllowPrivate is off. Default none.
	WebhookAllowCIDRs []netip.Prefix

	// TargetAllowPrivate lets the browser reach loopback, private,
	// link-local, carrier-grade NAT and unspecified addresses. Default
	// false for `argus serve` and `argus worker`, true for `argus run` and
	// `argus demo` (the user's own machine). Cloud metadata addresses are
	// refused whatever it says.
	TargetAllowPrivate bool

	// TargetAllowCIDRs are non-public ranges the browser may reach even
	// when TargetAllowPrivate is off. Default none.
	TargetAllowCIDRs []netip.Prefix

	// BlockThirdParty makes `argus run` refuse every request outside the
	// allowed origins. Default false.
	BlockThirdParty bool

	// PostHogKey is the PostHog project API key; empty turns product
	// analytics off. Default empty.
	PostHogKey string

	// PostHogHost is the PostHog instance. Default
	// "https://eu.i.posthog.com".
	PostHogHost string

	// BlobURL is where blobs are kept: file:///dir or gs://bucket/prefix.
	// Empty (the default) means BlobDir; see BlobLocation.
	BlobURL string

	// GitHubAppID is the GitHub App that opens issues; 0 (the default)
	// turns GitHub issues off.
	GitHubAppID int64

	// GitHubAppPrivateKey is the App's private key, PEM. Required with
	// GitHubAppID.
	GitHubAppPrivateKey []byte

	// GitHubAPIURL is the GitHub REST API. Default
	// "https://api.github.com/".
	GitHubAPIURL string

	// MailListen is the SMTP address of the built-in test mailbox. Empty
	// (the default) turns it off for argus serve; argus run uses
	// 127.0.0.1:2525 when a test uses email.
	MailListen string

	// MailDomain is the domain of the test mailboxes. Default
	// "mail.argus.test".
	MailDomain string

	// MailRetention is how long received test mail is kept. Default 24 h.
	MailRetention time.Duration

	// MailQuota is how many messages one project's mailbox holds at once.
	// Default 1000.
	MailQuota int

	// MailMaxMessageMiB is the largest message the receiver takes, in
	// MiB. Default 10.
	MailMaxMessageMiB int

	// secretValues are the raw values of secret settings, masked in logs.
	secretValues []string
}

// Validate reports the first invalid combination of fields. Per-value
// validation happens while loading; this checks fields that depend on each
// other.
func (c *Config) Validate() error {
	if c.Browser == "grid" && c.GridURL == "" {
		return &Error{Env: GridURL.Env, Flag: GridURL.Flag, Problem: "is required when ARGUS_BROWSER=grid", Example: GridURL.Example}
	}
	if c.Parallel > c.MaxAgents && c.MaxAgents > 0 {
		return &Error{Env: Parallel.Env, Flag: Parallel.Flag, Problem: fmt.Sprintf("is %d, more than ARGUS_MAX_AGENTS (%d), the browsers this node may run at once", c.Parallel, c.MaxAgents), Example: Parallel.Example}
	}
	if c.GitHubAppID != 0 && len(c.GitHubAppPrivateKey) == 0 {
		return &Error{Env: GitHubAppPrivateKey.Env, Flag: GitHubAppPrivateKey.Flag, Problem: "is required when ARGUS_GITHUB_APP_ID is set", Example: GitHubAppPrivateKey.Example}
	}
	if c.GitHubAppID == 0 && len(c.GitHubAppPrivateKey) != 0 {
		return &Error{Env: GitHubAppID.Env, Flag: GitHubAppID.Flag, Problem: "is required when ARGUS_GITHUB_APP_PRIVATE_KEY is set", Example: GitHubAppID.Example}
	}
	if c.JobTimeout > 0 && c.RescueAfter > 0 && c.RescueAfter <= c.JobTimeout {
		return &Error{Env: RescueAfter.Env, Flag: RescueAfter.Flag, Problem: fmt.Sprintf("is %v, not more than ARGUS_JOB_TIMEOUT (%v): running agents would be taken for lost", c.RescueAfter, c.JobTimeout), Example: RescueAfter.Example}
	}
	return nil
}
