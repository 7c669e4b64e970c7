package config

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/argusqa/argus/internal/netpolicy"
)

// Settings of outbound integrations: webhooks and product analytics.
var (
	WebhookAllowPrivate = boolSetting("ARGUS_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false",
		"let webhook endpoints use loopback, private and link-local addresses (cloud metadata addresses stay refused); for receivers inside your own network",
		func(c *Config) *bool { return &c.WebhookAllowPrivate })
	WebhookAllowCIDRs = cidrSetting("ARGUS_WEBHOOK_ALLOW_CIDRS", "webhook-allow-cidrs",
		"non-public address ranges webhook endpoints may use, comma-separated CIDRs (an address alone means just it)",
		func(c *Config) *[]netip.Prefix { return &c.WebhookAllowCIDRs })

	// TargetAllowPrivate is the server's setting (default false);
	// TargetAllowPrivateLocal is the same variable for the commands that
	// run on the user's own machine, where testing localhost is the point.
	TargetAllowPrivate = boolSetting("ARGUS_TARGET_ALLOW_PRIVATE", "target-allow-private", "false",
		"let the browser reach loopback, private, link-local and CGNAT addresses (true by default for `argus run` and `argus demo`; cloud metadata addresses are always refused)",
		func(c *Config) *bool { return &c.TargetAllowPrivate })
	TargetAllowPrivateLocal = func() Setting {
		s := TargetAllowPrivate
		s.Default = "true"
		return s
	}()
	BlockThirdParty = boolSetting("ARGUS_BLOCK_THIRD_PARTY", "block-third-party", "false",
		"`argus run`: refuse every request of the browser outside the base URL's origin and the allowed origins (subresources too), for hermetic tests; a server takes it from each project's block_third_party_requests",
		func(c *Config) *bool { return &c.BlockThirdParty })
	TargetAllowCIDRs = cidrSetting("ARGUS_TARGET_ALLOW_CIDRS", "target-allow-cidrs",
		"non-public address ranges the browser may reach when ARGUS_TARGET_ALLOW_PRIVATE is off, comma-separated CIDRs (an address alone means just it)",
		func(c *Config) *[]netip.Prefix { return &c.TargetAllowCIDRs })
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

// cidrSetting parses comma-separated CIDR ranges or single addresses.
func cidrSetting(env, flag, usage string, field func(*Config) *[]netip.Prefix) Setting {
	return Setting{
		Env: env, Flag: flag, Usage: usage, Example: "10.1.2.0/24,192.168.7.10",
		apply: func(c *Config, raw string) error {
			var out []netip.Prefix
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
				out = append(out, p.Masked())
			}
			*field(c) = out
			return nil
		},
	}
}

// TargetPolicy is the browser's address policy from ARGUS_TARGET_ALLOW_PRIVATE
// and ARGUS_TARGET_ALLOW_CIDRS.
func (c *Config) TargetPolicy() netpolicy.Policy {
	return netpolicy.Policy{
		AllowPrivate: c.TargetAllowPrivate,
		AllowCIDRs:   c.TargetAllowCIDRs,
		Hint:         "set ARGUS_TARGET_ALLOW_PRIVATE=true or ARGUS_TARGET_ALLOW_CIDRS to allow it",
	}
}
