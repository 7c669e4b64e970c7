package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
)

// Settings of `argus serve` (and of workers, for the blob directory).
var (
	SMTPURL = Setting{
		Env: "ARGUS_SMTP_URL", Flag: "smtp-url", Secret: true,
		Usage:   "mail server for password-reset and invitation mail, as smtp://user:password@host:port (STARTTLS when offered); empty logs mail instead",
		Example: "smtp://argus:secret@mail.example.com:587",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				c.SMTPURL = ""
				return nil
			}
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
				return errors.New("must be an smtp://host:port or smtps://host:port URL")
			}
			c.SMTPURL = raw
			return nil
		},
	}
	MailFrom = Setting{
		Env: "ARGUS_MAIL_FROM", Flag: "mail-from", Default: "argus@localhost",
		Usage: "sender address of mail the server sends", Example: "argus@example.com",
		apply: func(c *Config, raw string) error { c.MailFrom = raw; return nil },
	}
	Development = boolSetting("ARGUS_DEVELOPMENT", "development", "false",
		"development mode: mail that cannot be sent is logged with its links (password-reset tokens included), and DATABASE_URL may reach another machine without TLS; never in production",
		func(c *Config) *bool { return &c.Development })
	EmbeddedWorker = boolSetting("ARGUS_EMBEDDED_WORKER", "with-worker", "false",
		"argus serve also runs agent workers in its own process",
		func(c *Config) *bool { return &c.EmbeddedWorker })
	RateLimit = Setting{
		Env: "ARGUS_RATE_LIMIT", Flag: "rate-limit", Default: "30",
		Usage: "requests per second one client (IP address, and API key when one is sent) may make to argus serve, /healthz, /readyz and /metrics exempt; 0 turns the limit off", Example: "30",
		apply: func(c *Config, raw string) error {
			f, err := strconv.ParseFloat(raw, 64)
			if err != nil || f < 0 || f > 1e6 {
				return errors.New("must be a number of requests per second from 0 (off) to 1000000")
			}
			c.RateLimit = f
			return nil
		},
	}
	RateBurst = intSetting("ARGUS_RATE_BURST", "rate-burst", "50", 1,
		"requests a client that has been quiet may send at once before ARGUS_RATE_LIMIT applies",
		func(c *Config) *int { return &c.RateBurst })
	RateConcurrent = intSetting("ARGUS_RATE_CONCURRENT", "rate-concurrent", "10", 0,
		"requests of one client in flight at once (open event streams and MCP sessions count); 0 turns the cap off",
		func(c *Config) *int { return &c.RateConcurrent })
	TrustedProxies = cidrSetting("ARGUS_TRUSTED_PROXIES", "trusted-proxies",
		"reverse proxies whose X-Forwarded-For names the client, comma-separated CIDRs; from anyone else the header is ignored and the peer address is the client",
		func(c *Config) *[]netip.Prefix { return &c.TrustedProxies })
	DataDir = Setting{
		Env: "ARGUS_DATA_DIR", Flag: "data-dir", Default: "data",
		Usage:   "where argus serve keeps its embedded PostgreSQL (in postgres/) and generated secret key when DATABASE_URL is empty; one machine only",
		Example: "/var/lib/argus",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = raw
			return nil
		},
	}
	OperatorTenant = Setting{
		Env: "ARGUS_OPERATOR_TENANT", Flag: "operator-tenant",
		Usage:   "the tenant (slug or id) whose admins operate this installation and alone see River's job queue of every tenant at /admin/river; empty: the tenant created first",
		Example: "ops",
		apply:   func(c *Config, raw string) error { c.OperatorTenant = raw; return nil },
	}
	BlobDir = Setting{
		Env: "ARGUS_BLOB_DIR", Flag: "blob-dir", Default: "data/blobs",
		Usage: "directory where screenshots and other blobs are kept (local blob storage)", Example: "/var/lib/argus/blobs",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				return errors.New("must not be empty")
			}
			c.BlobDir = raw
			return nil
		},
	}
)

// intSetting parses a whole number of at least lowest.
func intSetting(env, flag, def string, lowest int, usage string, field func(*Config) *int) Setting {
	return Setting{
		Env: env, Flag: flag, Default: def, Usage: usage, Example: def,
		apply: func(c *Config, raw string) error {
			n, err := strconv.Atoi(raw)
			if err != nil || n < lowest || n > 1000000 {
				return fmt.Errorf("must be a whole number from %d to 1000000", lowest)
			}
			*field(c) = n
			return nil
		},
	}
}

func boolSetting(env, flag, def, usage string, field func(*Config) *bool) Setting {
	return Setting{
		Env: env, Flag: flag, Default: def, Usage: usage, Example: "true",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				*field(c) = false
				return nil
			}
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return errors.New("must be true or false")
			}
			*field(c) = b
			return nil
		},
	}
}

// DemoListen and DemoDataDir are Listen and DataDir as `argus demo
// --serve` reads them: the demo's server answers on this machine's
// loopback only, and keeps its database in a directory of its own, so a
// demo never mixes with the data of a real embedded server.
var (
	DemoListen = func() Setting {
		s := Listen
		s.Default = "127.0.0.1:8080"
		return s
	}()
	DemoDataDir = func() Setting {
		s := DataDir
		s.Default = "out/demo-data"
		return s
	}()
)
