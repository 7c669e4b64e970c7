package config

import (
	"errors"
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
