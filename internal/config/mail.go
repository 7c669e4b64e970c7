package config

import (
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/argusqa/argus/integrations/mail"
)

// Settings of the built-in test mailbox (integrations/mail).
var (
	MailListen = Setting{
		Env: "ARGUS_MAIL_LISTEN", Flag: "mail-listen",
		Usage:   "SMTP address of the built-in test mailbox that applications under test send to; argus serve: empty turns it off; argus run: 127.0.0.1:2525 when empty and a test uses email",
		Example: "127.0.0.1:2525",
		apply: func(c *Config, raw string) error {
			if raw == "" {
				c.MailListen = ""
				return nil
			}
			if _, _, err := net.SplitHostPort(raw); err != nil {
				return errors.New("must be host:port or :port")
			}
			c.MailListen = raw
			return nil
		},
	}
	MailDomain = Setting{
		Env: "ARGUS_MAIL_DOMAIN", Flag: "mail-domain", Default: mail.DefaultDomain,
		Usage:   "domain of the test mailboxes: addresses are name@<project>.<domain>; mail for any other domain is refused",
		Example: "mail.argus.example.com",
		apply: func(c *Config, raw string) error {
			if err := mail.CheckDomain(raw); err != nil {
				return errors.New("must be a lower-case domain of at least two labels")
			}
			c.MailDomain = raw
			return nil
		},
	}
	MailRetention = durationSetting("ARGUS_MAIL_RETENTION", "mail-retention", "24h",
		"received test mail is deleted this long after it arrived", func(c *Config) *time.Duration { return &c.MailRetention })

	MailQuota = intSetting("ARGUS_MAIL_QUOTA", "mail-quota", strconv.Itoa(mail.DefaultQuota), 1,
		"messages one project's test mailbox holds at once; further mail is answered 452 until retention deletes old messages",
		func(c *Config) *int { return &c.MailQuota })
	MailMaxMessageMiB = intSetting("ARGUS_MAIL_MAX_MESSAGE_MIB", "mail-max-message-mib", strconv.Itoa(mail.DefaultMaxMessageBytes>>20), 1,
		"largest message the test mailbox takes, in MiB; larger ones are refused with 552",
		func(c *Config) *int { return &c.MailMaxMessageMiB })
)

// MailConfig is the receiver's configuration from these settings; the
// caller adds the Store and Logger.
func (c *Config) MailConfig() mail.Config {
	return mail.Config{Listen: c.MailListen, Domain: c.MailDomain, Quota: c.MailQuota, MaxMessageBytes: int64(c.MailMaxMessageMiB) << 20}
}
