package posthog_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/posthog"
	"github.com/argusqa/argus/integrations/posthog/posthogtest"
	"github.com/argusqa/argus/store"
)

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestAgentCompletedSendsExactlyTheSixProperties(t *testing.T) {
	fake := posthogtest.New(t)
	tr, err := posthog.New(posthog.Config{APIKey: "phc_test_key", Host: fake.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	agent := &store.Agent{
		ID: uuid.New(), TenantID: uuid.New(), TestName: "Checkout with card 4242", Status: store.StatusPassed,
		Summary: "typed p******d into Password", Model: "gemini:gemini-2.5-flash", Iterations: 7,
		InputTokens: 1200, OutputTokens: 345,
	}
	if err := tr.AgentCompleted(t.Context(), posthog.FromAgent(agent)); err != nil {
		t.Fatal(err)
	}
	// Close flushes: the event is on the fake server when it returns.
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}

	if u := fake.Unexpected(); len(u) > 0 {
		t.Errorf("unexpected requests: %v", u)
	}
	batches := fake.Batches()
	if len(batches) != 1 {
		t.Fatalf("%d batches", len(batches))
	}
	var msgs []map[string]json.RawMessage
	if err := json.Unmarshal(batches[0].Events, &msgs); err != nil || len(msgs) != 1 {
		t.Fatalf("batch: %v, %d messages", err, len(msgs))
	}
	if batches[0].APIKey != "phc_test_key" {
		t.Errorf("api_key %q", batches[0].APIKey)
	}
	msg := msgs[0]
	// The envelope is posthog-go's; a new field in a library upgrade
	// should be looked at before it ships.
	if got, want := keys(msg), []string{"distinct_id", "event", "library", "library_version", "properties", "send_feature_flags", "timestamp", "type", "uuid"}; !slices.Equal(got, want) {
		t.Errorf("message fields %v, want %v", got, want)
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(msg[k], &s)
		return s
	}
	if str("event") != "agent_completed" || str("distinct_id") != agent.TenantID.String() || str("uuid") != agent.ID.String() || str("type") != "capture" {
		t.Errorf("envelope: event %q distinct_id %q uuid %q type %q", str("event"), str("distinct_id"), str("uuid"), str("type"))
	}

	var props map[string]any
	if err := json.Unmarshal(msg["properties"], &props); err != nil {
		t.Fatal(err)
	}
	// Exactly the six, plus the two that posthog-go always adds about
	// itself ($lib and $lib_version), which it offers no way to remove.
	if got, want := keys(props), []string{"$lib", "$lib_version", "agent_id", "iterations", "model", "success", "tenant_id", "tokens_used"}; !slices.Equal(got, want) {
		t.Fatalf("properties %v, want %v", got, want)
	}
	if props["$lib"] != "posthog-go" {
		t.Errorf("$lib = %v", props["$lib"])
	}
	want := map[string]any{
		"agent_id": agent.ID.String(), "model": "gemini:gemini-2.5-flash", "success": true,
		"iterations": float64(7), "tokens_used": float64(1545), "tenant_id": agent.TenantID.String(),
	}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("%s = %#v, want %#v", k, props[k], v)
		}
	}
	// Nothing a customer wrote travels.
	for _, s := range []string{"Checkout", "4242", "Password", "p******d"} {
		if strings.Contains(batches[0].Body, s) {
			t.Errorf("the batch contains %q", s)
		}
	}
}

func TestFailedAgentIsNotSuccess(t *testing.T) {
	for st, want := range map[store.Status]bool{store.StatusPassed: true, store.StatusFailed: false, store.StatusError: false, store.StatusCancelled: false} {
		if got := posthog.FromAgent(&store.Agent{Status: st}).Success; got != want {
			t.Errorf("%s: success = %v", st, got)
		}
	}
}

func TestOffUnlessConfigured(t *testing.T) {
	fake := posthogtest.New(t)
	tr, err := posthog.New(posthog.Config{Host: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.(posthog.Nop); !ok {
		t.Fatalf("without a key: %T, want Nop", tr)
	}
	if err := tr.AgentCompleted(t.Context(), posthog.AgentCompleted{AgentID: uuid.New(), TenantID: uuid.New()}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if len(fake.Batches())+len(fake.Unexpected()) != 0 {
		t.Fatal("a tracker without a key sent something")
	}

	if _, err := posthog.New(posthog.Config{APIKey: "k", Host: "eu.i.posthog.com"}); err == nil {
		t.Error("accepted a host without a scheme")
	}
	real, err := posthog.New(posthog.Config{APIKey: "k", Host: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer real.Close()
	if err := real.AgentCompleted(t.Context(), posthog.AgentCompleted{AgentID: uuid.New()}); err == nil {
		t.Error("accepted an event without a tenant")
	}
}
