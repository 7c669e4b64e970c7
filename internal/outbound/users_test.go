package outbound_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/integrations/posthog"
	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/outbound"
)

// Every integration that calls out uses the spec's pool by default.
func TestIntegrationsUseThePool(t *testing.T) {
	if tr := (github.Config{}).WithDefaults().Transport; tr != outbound.Transport {
		t.Errorf("GitHub's default transport is %T, not the shared pool", tr)
	}
	if tr := (posthog.Config{}).WithDefaults().Transport; tr != outbound.Transport {
		t.Errorf("PostHog's default transport is %T, not the shared pool", tr)
	}
	c := webhook.NewGuard(webhook.GuardConfig{}).Client(10 * time.Second)
	tr, ok := c.Transport.(*http.Transport)
	if !ok || tr.MaxIdleConns != outbound.MaxIdleConns || tr.MaxIdleConnsPerHost != outbound.MaxIdleConnsPerHost ||
		tr.IdleConnTimeout != outbound.IdleConnTimeout || tr.Proxy != nil {
		t.Errorf("webhook client transport: %+v", c.Transport)
	}
}
