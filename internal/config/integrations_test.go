package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestIntegrationSettings(t *testing.T) {
	cfg, _, err := load(t, nil, nil, WebhookAllowPrivate, WebhookAllowCIDRs, PostHogKey, PostHogHost)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.WebhookAllowPrivate || cfg.WebhookAllowCIDRs != nil || cfg.PostHogKey != "" || cfg.PostHogHost != "https://eu.i.posthog.com" {
		t.Fatalf("defaults: %+v", cfg)
	}
	cfg, _, err = load(t, map[string]string{
		"ARGUS_WEBHOOK_ALLOW_PRIVATE": "true",
		"ARGUS_WEBHOOK_ALLOW_CIDRS":   " 10.1.2.7/24, 127.0.0.1,::1 ,",
		"ARGUS_POSTHOG_KEY":           "phc_abc",
		"ARGUS_POSTHOG_HOST":          "https://ph.example.com/",
	}, nil, WebhookAllowPrivate, WebhookAllowCIDRs, PostHogKey, PostHogHost)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24"), netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	if !cfg.WebhookAllowPrivate || !slices.Equal(cfg.WebhookAllowCIDRs, want) || cfg.PostHogKey != "phc_abc" || cfg.PostHogHost != "https://ph.example.com" {
		t.Fatalf("loaded: %+v", cfg)
	}
	for env, bad := range map[string]string{
		"ARGUS_WEBHOOK_ALLOW_PRIVATE": "sometimes",
		"ARGUS_WEBHOOK_ALLOW_CIDRS":   "10.0.0.0/33",
		"ARGUS_POSTHOG_HOST":          "eu.i.posthog.com",
	} {
		_, _, err := load(t, map[string]string{env: bad}, nil, WebhookAllowPrivate, WebhookAllowCIDRs, PostHogKey, PostHogHost)
		if err == nil || !strings.HasPrefix(err.Error(), env+" ") {
			t.Errorf("%s=%q: %v", env, bad, err)
		}
	}
}
