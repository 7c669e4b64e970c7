package webhook_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/redact"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
)

// verifier is the independent receiver: the Standard Webhooks reference
// library for Go.
func verifier(t *testing.T, secret string) *standardwebhooks.Webhook {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return wh
}

func TestDeliveryVerifiesWithStandardWebhooksLibrary(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	f.publishAgent(t)
	got := rcv.next(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCompleted {
		t.Fatalf("job ended with %s", ev.Kind)
	}

	wh := verifier(t, f.secret)
	if err := wh.Verify(got.body, got.header); err != nil {
		t.Fatalf("library rejected our delivery: %v", err)
	}
	id := got.header.Get("webhook-id")
	if !strings.HasPrefix(id, "msg_") || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers: %v", got.header)
	}

	// A body changed on the way is rejected.
	tampered := bytes.Replace(got.body, []byte(`"failed"`), []byte(`"passed"`), 1)
	if bytes.Equal(tampered, got.body) {
		t.Fatal("test did not change the body")
	}
	if err := wh.Verify(tampered, got.header); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Fatalf("tampered body: %v, want ErrNoMatchingSignature", err)
	}
	// So is a signature by another secret.
	other, _ := webhook.NewSecret()
	if err := verifier(t, other).Verify(got.body, got.header); err == nil {
		t.Fatal("another secret verified the delivery")
	}
	// A delivery signed ten minutes ago is too old, although its
	// signature is right: replays of captured requests are refused.
	old := got.header.Clone()
	if err := webhook.SetHeaders(old, []string{f.secret}, id, time.Now().Add(-10*time.Minute), got.body); err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(got.body, old); !errors.Is(err, standardwebhooks.ErrMessageTooOld) {
		t.Fatalf("old timestamp: %v, want ErrMessageTooOld", err)
	}
	if err := wh.VerifyIgnoringTimestamp(got.body, old); err != nil {
		t.Fatalf("old delivery's signature itself: %v", err)
	}

	// The payload is what docs/webhooks.md promises.
	var raw map[string]any
	if err := json.Unmarshal(got.body, &raw); err != nil {
		t.Fatal(err)
	}
	data := raw["data"].(map[string]any)
	var keys []string
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"agent_id", "branch", "commit_sha", "duration_ms", "links", "project", "run_id", "status", "summary", "test_name", "video_url"}
	if !slices.Equal(keys, want) {
		t.Fatalf("data keys %v, want %v", keys, want)
	}
	if v, ok := data["video_url"]; !ok || v != nil {
		t.Errorf("video_url = %v, want null", v)
	}
	var ev webhook.Event[webhook.AgentData]
	if err := json.Unmarshal(got.body, &ev); err != nil {
		t.Fatal(err)
	}
	d := ev.Data
	if ev.Type != webhook.TypeAgentCompleted || d.AgentID != f.agent.ID || d.RunID != f.run.ID || d.Status != store.StatusFailed ||
		d.TestName != "Checkout" || d.Project.ID != f.project.ID || d.Project.Name != "Shop" || d.Branch != "main" ||
		d.CommitSHA != f.run.CommitSHA || d.DurationMS == nil ||
		d.Links.API != "https://argus.example.com/api/v1/agents/"+f.agent.ID.String() || ev.Timestamp.IsZero() {
		t.Fatalf("event: %+v", ev)
	}
	if !strings.Contains(d.Summary, redact.Mask(f.password)) {
		t.Errorf("summary %q does not carry the masked secret", d.Summary)
	}

	// The attempt is on record.
	ds := f.deliveries(t)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries recorded", len(ds))
	}
	r := ds[0]
	if r.EventID != id || r.EventType != webhook.TypeAgentCompleted || r.Attempt != 1 || r.StatusCode == nil || *r.StatusCode != 200 ||
		r.LatencyMS == nil || r.ResponseExcerpt != "OK" || r.Error != "" || r.URL != rcv.url() {
		t.Fatalf("recorded: %+v", r)
	}

	// No secret value anywhere: not the password the agent typed, not the
	// signing secret or its key, in the body, the record or the logs.
	key := strings.TrimPrefix(f.secret, "whsec_")
	raw2, _ := base64.StdEncoding.DecodeString(key)
	for name, text := range map[string]string{
		"body": string(got.body), "recorded payload": string(r.Payload), "recorded excerpt": r.ResponseExcerpt,
		"recorded error": r.Error, "logs": f.logs.String(),
	} {
		for _, secret := range []string{f.password, f.secret, key, string(raw2)} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains a secret value", name)
			}
		}
	}
	if strings.Contains(f.logs.String(), "receiver-token") {
		t.Error("logs contain the endpoint's query string")
	}
	if !strings.Contains(f.logs.String(), "webhook delivered") {
		t.Errorf("no log line for the delivery:\n%s", f.logs.String())
	}
}

func TestRotationSignsWithBothSecrets(t *testing.T) {
	rcv := newReceiver(t, http.StatusNoContent)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	oldSecret := f.secret
	newSecret, err := webhook.RotateSecret(f.ctx, f.st, f.tenant, f.project.ID, webhook.DefaultRotationWindow)
	if err != nil {
		t.Fatal(err)
	}
	if newSecret == oldSecret || !strings.HasPrefix(newSecret, "whsec_") {
		t.Fatalf("new secret %q", newSecret)
	}
	f.publishAgent(t)
	got := rcv.next(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCompleted {
		t.Fatalf("job ended with %s", ev.Kind)
	}
	sigs := strings.Fields(got.header.Get("webhook-signature"))
	if len(sigs) != 2 || !strings.HasPrefix(sigs[0], "v1,") || !strings.HasPrefix(sigs[1], "v1,") {
		t.Fatalf("webhook-signature during rotation: %q", got.header.Get("webhook-signature"))
	}
	for name, s := range map[string]string{"old": oldSecret, "new": newSecret} {
		if err := verifier(t, s).Verify(got.body, got.header); err != nil {
			t.Errorf("%s secret does not verify during the rotation: %v", name, err)
		}
	}
	// Each entry is the signature of exactly one of them, new first.
	for i, s := range []string{newSecret, oldSecret} {
		one := got.header.Clone()
		one.Set("webhook-signature", sigs[i])
		if err := verifier(t, s).Verify(got.body, one); err != nil {
			t.Errorf("signature %d is not by the expected secret: %v", i, err)
		}
	}

	// Ending the rotation leaves the new secret alone.
	final, err := webhook.RotateSecret(f.ctx, f.st, f.tenant, f.project.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	ds := f.deliveries(t)
	if err := webhook.Redeliver(f.ctx, f.st, f.river, f.tenant, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	again := rcv.next(t)
	if n := len(strings.Fields(again.header.Get("webhook-signature"))); n != 1 {
		t.Fatalf("%d signatures after the rotation ended", n)
	}
	if err := verifier(t, final).Verify(again.body, again.header); err != nil {
		t.Fatal(err)
	}
	if err := verifier(t, newSecret).Verify(again.body, again.header); err == nil {
		t.Fatal("a retired secret still verifies")
	}
}

func TestRetriesReachAReceiverThatWasDown(t *testing.T) {
	// Down (connection refused) for the first attempt, then up but failing
	// with 503 once, then accepting.
	rcv := downReceiver(t, http.StatusServiceUnavailable, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	f.publishAgent(t)

	// failed waits for a failed attempt, checks River scheduled the retry
	// on our backoff (default 24 h window: about 79 s, then 4 min), and
	// has River run it now instead of waiting.
	failed := func(attempt int, wait time.Duration) {
		t.Helper()
		ev := f.nextEvent(t)
		if ev.Kind != river.EventKindJobFailed || ev.Job.Attempt != attempt {
			t.Fatalf("attempt %d: %s attempt %d", attempt, ev.Kind, ev.Job.Attempt)
		}
		if d := time.Until(ev.Job.ScheduledAt); d < wait*8/10 || d > wait*12/10 {
			t.Errorf("retry after attempt %d scheduled in %v, want about %v", attempt, d, wait)
		}
		if _, err := f.river.JobRetry(f.ctx, ev.Job.ID); err != nil {
			t.Fatal(err)
		}
	}
	failed(1, 79*time.Second)
	rcv.up(t)
	first := rcv.next(t)
	failed(2, 237*time.Second)
	second := rcv.next(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCompleted || ev.Job.Attempt != 3 {
		t.Fatalf("third attempt: %s attempt %d", ev.Kind, ev.Job.Attempt)
	}
	id := first.header.Get("webhook-id")
	if id == "" || second.header.Get("webhook-id") != id || !bytes.Equal(first.body, second.body) {
		t.Fatalf("retries differ: %q / %q", id, second.header.Get("webhook-id"))
	}
	if err := verifier(t, f.secret).Verify(second.body, second.header); err != nil {
		t.Fatal(err)
	}

	ds := f.deliveries(t)
	if len(ds) != 3 {
		t.Fatalf("%d attempts recorded, want 3", len(ds))
	}
	for i, d := range ds {
		if d.EventID != id || d.Attempt != i+1 {
			t.Errorf("attempt %d recorded as %+v", i+1, d)
		}
	}
	if ds[0].StatusCode != nil || !strings.Contains(ds[0].Error, "refused") {
		t.Errorf("attempt 1 (receiver down): status %v, error %q", ds[0].StatusCode, ds[0].Error)
	}
	if *ds[1].StatusCode != 503 || ds[1].ResponseExcerpt != "Service Unavailable" || *ds[2].StatusCode != 200 {
		t.Errorf("attempts 2 and 3: %+v / %+v", ds[1], ds[2])
	}
	if strings.Contains(ds[0].Error, "receiver-token") || strings.Contains(f.logs.String(), "receiver-token") {
		t.Error("the endpoint's query string leaked into an error or log line")
	}
}

// With a short window River itself runs the retries, on its own schedule.
func TestRetriesRunOnTheirOwn(t *testing.T) {
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusBadGateway, http.StatusOK)
	// A window of a second makes the seven delays milliseconds long.
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly, RetryWindow: time.Second})
	f.publishAgent(t)
	var ids []string
	for range 3 {
		ids = append(ids, rcv.next(t).header.Get("webhook-id"))
	}
	for attempt := 1; attempt <= 3; attempt++ {
		want := river.EventKindJobFailed
		if attempt == 3 {
			want = river.EventKindJobCompleted
		}
		if ev := f.nextEvent(t); ev.Kind != want || ev.Job.Attempt != attempt {
			t.Fatalf("attempt %d: %s attempt %d", attempt, ev.Kind, ev.Job.Attempt)
		}
	}
	if ids[0] == "" || ids[1] != ids[0] || ids[2] != ids[0] {
		t.Fatalf("webhook-ids %v", ids)
	}
}

func TestGoneDisablesTheEndpoint(t *testing.T) {
	rcv := newReceiver(t, http.StatusGone)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly, RetryWindow: time.Second})
	f.publishAgent(t)
	rcv.next(t)
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCancelled || ev.Job.Attempt != 1 {
		t.Fatalf("after 410: %s attempt %d", ev.Kind, ev.Job.Attempt)
	}
	ep, err := f.st.WebhookEndpoint(f.ctx, f.tenant, f.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ep.DisabledAt == nil || !strings.Contains(ep.DisabledReason, "410") {
		t.Fatalf("endpoint not disabled: %+v", ep)
	}

	// The next event is recorded as not sent, and the receiver hears
	// nothing.
	if err := webhook.Redeliver(f.ctx, f.st, f.river, f.tenant, f.deliveries(t)[0].ID); err != nil {
		t.Fatal(err)
	}
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCancelled {
		t.Fatalf("delivery to a disabled endpoint: %s", ev.Kind)
	}
	select {
	case <-rcv.got:
		t.Fatal("a disabled endpoint was called")
	default:
	}
	ds := f.deliveries(t)
	if len(ds) != 2 || !strings.Contains(ds[1].Error, "endpoint disabled") || ds[1].StatusCode != nil {
		t.Fatalf("recorded: %+v", ds)
	}

	// Enabled again, redelivery reaches it with the same webhook-id.
	if err := f.st.EnableWebhook(f.ctx, f.tenant, f.project.ID); err != nil {
		t.Fatal(err)
	}
	rcv.mu.Lock()
	rcv.status = []int{http.StatusOK}
	rcv.mu.Unlock()
	if err := webhook.Redeliver(f.ctx, f.st, f.river, f.tenant, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	got := rcv.next(t)
	if got.header.Get("webhook-id") != ds[0].EventID {
		t.Fatalf("redelivered with id %q, want %q", got.header.Get("webhook-id"), ds[0].EventID)
	}
	if err := verifier(t, f.secret).Verify(got.body, got.header); err != nil {
		t.Fatal(err)
	}
	var ev webhook.Event[webhook.AgentData]
	if err := json.Unmarshal(got.body, &ev); err != nil || ev.Data.AgentID != f.agent.ID {
		t.Fatalf("redelivered body: %v %s", err, got.body)
	}
}

func TestRunCompletedPayload(t *testing.T) {
	rcv := newReceiver(t, http.StatusAccepted)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	agents, err := f.st.ListAgents(f.ctx, f.tenant, f.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := f.pool.Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.pub.RunCompleted(f.ctx, tx, f.project, f.run, agents); err != nil {
		t.Fatal(err)
	}
	// Reporting the same completion twice (a retried job) queues it once.
	if err := f.pub.RunCompleted(f.ctx, tx, f.project, f.run, agents); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(f.ctx); err != nil {
		t.Fatal(err)
	}
	var jobs int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, webhook.Kind).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 1 {
		t.Fatalf("%d jobs for one run completion reported twice", jobs)
	}
	got := rcv.next(t)
	if err := verifier(t, f.secret).Verify(got.body, got.header); err != nil {
		t.Fatal(err)
	}
	var ev webhook.Event[webhook.RunData]
	if err := json.Unmarshal(got.body, &ev); err != nil {
		t.Fatal(err)
	}
	d := ev.Data
	if ev.Type != webhook.TypeRunCompleted || d.RunID != f.run.ID || d.Status != store.StatusFailed ||
		d.Counts != (webhook.Counts{Failed: 1}) || len(d.Agents) != 1 || d.Agents[0].AgentID != f.agent.ID ||
		d.Links.UI != "https://argus.example.com/runs/"+f.run.ID.String() || d.Trigger != "ci" {
		t.Fatalf("run.completed: %+v", ev)
	}
	if strings.Contains(string(got.body), f.password) {
		t.Fatal("run.completed carries the secret")
	}
	if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCompleted {
		t.Fatalf("job: %s", ev.Kind)
	}
	if n := len(f.deliveries(t)); n != 1 {
		t.Fatalf("%d deliveries, want 1", n)
	}
}

func TestNothingQueuedWithoutURLOrForUnfinishedAgents(t *testing.T) {
	f := newFixture(t, "", webhook.Config{Guard: loopbackOnly})
	f.publishAgent(t) // no URL: nothing happens
	running := *f.agent
	running.Status = store.StatusRunning
	f.project.WebhookURL = "https://hooks.example.com/x"
	tx, err := f.pool.Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(f.ctx)
	if err := f.pub.AgentCompleted(f.ctx, tx, f.project, f.run, &running); err == nil {
		t.Fatal("queued agent.completed for a running agent")
	}
	var n int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, webhook.Kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d jobs queued", n)
	}
}

func TestAgentFinishedQueuesAgentAndRunEvents(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	// The worker's one call; a second call (a retried job) adds nothing.
	for range 2 {
		if err := f.pub.AgentFinished(f.ctx, f.st, f.tenant, f.agent.ID); err != nil {
			t.Fatal(err)
		}
	}
	types := map[string]string{}
	for range 2 {
		got := rcv.next(t)
		if err := verifier(t, f.secret).Verify(got.body, got.header); err != nil {
			t.Fatal(err)
		}
		var head struct{ Type string }
		_ = json.Unmarshal(got.body, &head)
		types[head.Type] = got.header.Get("webhook-id")
	}
	if types[webhook.TypeAgentCompleted] == "" || types[webhook.TypeRunCompleted] == "" || types[webhook.TypeAgentCompleted] == types[webhook.TypeRunCompleted] {
		t.Fatalf("events received: %v", types)
	}
	for range 2 {
		if ev := f.nextEvent(t); ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("job: %s", ev.Kind)
		}
	}
	var jobs int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, webhook.Kind).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 2 {
		t.Fatalf("%d jobs, want 2", jobs)
	}
	// Another tenant's id finds nothing.
	other, err := f.st.CreateTenant(f.ctx, "Other", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.pub.AgentFinished(f.ctx, f.st, other.ID, f.agent.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other tenant: %v", err)
	}
}

// Two agents of one run end together: the first to tell finds the run
// ended already. Its call queues both agents' agent.completed before the
// run's run.completed, and the second agent's own call queues nothing new.
func TestRunCompletedQueuedAfterEveryAgent(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK, http.StatusOK, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var tests []uuid.UUID
	for _, name := range []string{"Sign up", "Search"} {
		tt, err := f.st.CreateTest(f.ctx, f.tenant, f.project.ID, store.TestInput{Name: name, Goal: "do it"})
		must(err)
		tests = append(tests, tt.ID)
	}
	run, agents, _, err := f.st.CreateRun(f.ctx, f.tenant, store.RunInput{ProjectID: f.project.ID, TestIDs: tests}, nil)
	must(err)
	for _, a := range agents {
		_, err = f.st.StartAgent(f.ctx, f.tenant, a.ID, 1, nil, "scripted:test")
		must(err)
		_, err = f.st.FinishAgent(f.ctx, f.tenant, a.ID, store.AgentResult{Status: store.StatusPassed, Summary: "ok"})
		must(err)
	}
	_, err = f.st.RefreshRunStatus(f.ctx, f.tenant, run.ID)
	must(err)
	// The first agent's call comes after both ended.
	must(f.pub.AgentFinished(f.ctx, f.st, f.tenant, agents[0].ID))
	must(f.pub.AgentFinished(f.ctx, f.st, f.tenant, agents[1].ID))

	rows, err := f.pool.Query(f.ctx, `SELECT args->>'event_type', args->>'body' FROM river_job WHERE kind = $1 ORDER BY id`, webhook.Kind)
	must(err)
	var order []string
	for rows.Next() {
		var typ, body string
		must(rows.Scan(&typ, &body))
		switch {
		case strings.Contains(body, agents[0].ID.String()) && typ == webhook.TypeAgentCompleted:
			order = append(order, "agent 1")
		case strings.Contains(body, agents[1].ID.String()) && typ == webhook.TypeAgentCompleted:
			order = append(order, "agent 2")
		case typ == webhook.TypeRunCompleted:
			order = append(order, "run")
		}
	}
	must(rows.Err())
	if strings.Join(order, ", ") != "agent 1, agent 2, run" {
		t.Fatalf("queued in the order %v; want both agents before the run, each once", order)
	}
}

// A plan's run that ended with a failed node and the node it skipped
// queues plan.completed after run.completed, with each node's status and
// the skip's reason.
func TestPlanCompletedAfterTheRun(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	f := newFixture(t, rcv.url(), webhook.Config{Guard: loopbackOnly})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"Order", "Ship"} {
		_, err := f.st.CreateTest(f.ctx, f.tenant, f.project.ID, store.TestInput{Name: name, Goal: "do it"})
		must(err)
	}
	p, err := f.st.PutPlan(f.ctx, f.tenant, f.project.ID, "Order and ship", []plan.Node{{Name: "Order"}, {Name: "Ship", Needs: []string{"Order"}}})
	must(err)
	run, nodes, err := f.st.StartPlanRun(f.ctx, f.tenant, p.ID, store.RunInput{}, nil)
	must(err)
	_, err = f.st.StartAgent(f.ctx, f.tenant, nodes[0].AgentID, 1, nil, "")
	must(err)
	_, err = f.st.FinishAgent(f.ctx, f.tenant, nodes[0].AgentID, store.AgentResult{Status: store.StatusFailed, Summary: "no order number"})
	must(err)
	adv, err := f.st.AdvancePlan(f.ctx, f.tenant, run.ID, nil)
	must(err)
	if len(adv.Skipped) != 1 || adv.Skipped[0].ID != nodes[1].AgentID {
		t.Fatalf("advance: %+v", adv)
	}
	_, err = f.st.RefreshRunStatus(f.ctx, f.tenant, run.ID)
	must(err)
	must(f.pub.AgentFinished(f.ctx, f.st, f.tenant, nodes[0].AgentID))

	rows, err := f.pool.Query(f.ctx, `SELECT args->>'event_type', args->>'body' FROM river_job WHERE kind = $1 ORDER BY id`, webhook.Kind)
	must(err)
	var order []string
	var body string
	for rows.Next() {
		var typ, b string
		must(rows.Scan(&typ, &b))
		order = append(order, typ)
		if typ == webhook.TypePlanCompleted {
			body = b
		}
	}
	must(rows.Err())
	if strings.Join(order, ", ") != "agent.completed, agent.completed, run.completed, plan.completed" {
		t.Fatalf("queued %v", order)
	}
	var ev webhook.Event[webhook.PlanData]
	must(json.Unmarshal([]byte(body), &ev))
	d := ev.Data
	if d.Plan != "Order and ship" || d.Outcome != "failed" || len(d.Nodes) != 2 || d.Nodes[0].Status != "failed" ||
		d.Nodes[1].Status != "skipped" || d.Nodes[1].Reason != `not run: it needs "Order", which failed` || !strings.HasSuffix(d.Links.API, "/plan") {
		t.Fatalf("plan.completed: %s", body)
	}
}
