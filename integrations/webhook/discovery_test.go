package webhook_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/store"
)

// TestDiscoveryCompleted: an ended discovery reaches the receiver as
// discovery.completed, signed, with what it found and its links; a second
// call queues nothing new; a discovery still running and another
// tenant's id are refused.
func TestDiscoveryCompleted(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	d, err := f.st.CreateDiscovery(f.ctx, f.tenant, f.project.ID, store.DiscoveryInput{MaxPages: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.pub.DiscoveryFinished(f.ctx, f.st, f.tenant, d.ID); err == nil {
		t.Fatal("queued discovery.completed for a queued discovery")
	}
	if _, err := f.st.StartDiscovery(f.ctx, f.tenant, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.FinishDiscovery(f.ctx, f.tenant, d.ID, store.DiscoveryResult{Pages: 8, Forms: 10, SuggestedCount: 11,
		AppMap: []byte(`{"pages":[]}`), SuggestedYAML: "tests: []\n"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.pub.DiscoveryFinished(f.ctx, f.st, f.tenant, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	got := rcv.next(t)
	if err := verifier(t, f.secret).Verify(got.body, got.header); err != nil {
		t.Fatal(err)
	}
	var ev webhook.Event[webhook.DiscoveryData]
	if err := json.Unmarshal(got.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != webhook.TypeDiscoveryCompleted || ev.Data.DiscoveryID != d.ID || ev.Data.Status != "done" || ev.Data.Pages != 8 ||
		ev.Data.SuggestedTests != 11 || ev.Data.Summary != "8 pages, 10 forms, 11 suggested tests" || ev.Data.DurationMS == nil ||
		ev.Data.Links.API == "" || ev.Data.Project.ID != f.project.ID {
		t.Fatalf("event %s", got.body)
	}
	var jobs int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, webhook.Kind).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 1 {
		t.Fatalf("%d jobs, want 1", jobs)
	}
	other, err := f.st.CreateTenant(f.ctx, "Other", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.pub.DiscoveryFinished(f.ctx, f.st, other.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other tenant: %v", err)
	}
}
