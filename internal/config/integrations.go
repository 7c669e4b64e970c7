package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// Settings of outbound integrations: webhooks and product analytics.
var (
	WebhookAllowPrivate = boolSetting("ARGUS_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false",
		"let webhook endpoints use loopback, private and link-local addresses (cloud metadata addresses stay refused); for receivers inside your own network",
		func(c *Config) *bool { return &c.WebhookAllowPrivate })
	WebhookAllowCIDRs = Setting{
		Env: "ARGUS_WEBHOOK_ALLOW_CIDRS", Flag: "webhook-allow-cidrs",
		Usage:   "non-public address ranges webhook endpoints may use, comma-separated CIDRs (an address alone means just it)",
		Example: "10.1.2.0/24,192.168.7.10",
		apply: func(c *Config, raw string) error {
			c.WebhookAllowCIDRs = nil
			for part := range strings.SplitSeq(raw, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				p, err := netip.ParsePrefix(part)
				if err != nil {
					ip, ierr := netip.ParseAddr(part)
					if ierr != nil {
						return fmt.Errorf("entry %q is not a CIDR range or an address", part)
					}
					p = netip.PrefixFrom(ip, ip.BitLen())
				}
				c.WebhookAllowCIDRs = append(c.WebhookAllowCIDRs, p.Masked())
			}
			return nil
		},
	}
	PostHogKey = Setting{
		Env: "ARGUS_POSTHOG_KEY", Flag: "posthog-key", Secret: true,
		Usage:   "PostHog project API key; when set, an agent_completed event (agent_id, model, success, iterations, tokens_used, tenant_id) is sent per agent",
		Example: "phc_…",
		apply:   func(c *Config, raw string) error { c.PostHogKey = strings.TrimSpace(raw); return nil },
	}
	PostHogHost = Setting{
		Env: "ARGUS_POSTHOG_HOST", Flag: "posthog-host", Default: "https://eu.i.posthog.com",
		Usage: "PostHog instance that receives the events", Example: "https://us.i.posthog.com",
		apply: func(c *Config, raw string) error {
			if err := checkHTTPURL(raw); err != nil {
				return err
			}
			c.PostHogHost = strings.TrimRight(raw, "/")
			return nil
		},
	}
)
