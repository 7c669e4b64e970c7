package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/integrations/github/githubtest"
	"github.com/argusqa/argus/integrations/posthog/posthogtest"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestDeliveryEndToEnd is issue 7's end-to-end test, through the product
// as an operator runs it: `argus serve --with-worker` configured only by
// environment variables, a run started over the REST API with an API key,
// an agent driving real Chromium with a model behind a fake OpenAI server,
// screenshots in Google Cloud Storage (fake-gcs-server), a GitHub App
// (fake GitHub), PostHog (a fake capture endpoint) and a webhook receiver
// that is down when the results are first sent.
//
// The test is a sign-in with a {{secret.password}} placeholder whose page
// never shows the welcome it checks for, and which echoes the password it
// was given, as a careless application might. It proves:
//
//   - the API refuses a webhook URL the outbound guard blocks (400) and
//     accepts the allowed loopback receiver;
//   - each event (agent.completed, run.completed) reaches the receiver
//     once it is back, after a refused connection and a 503, with the
//     webhook-id of its failed attempts, and exactly one delivery of each
//     is accepted; the Standard Webhooks library verifies it;
//   - the failure opens one GitHub issue, and the same test failing again
//     comments on it instead of opening another;
//   - PostHog gets one agent_completed per agent with exactly the six
//     properties (plus posthog-go's own $lib and $lib_version), flushed
//     when the server stops;
//   - every step's screenshot is an object in the bucket, served back by
//     the API;
//   - no secret — the password, the webhook secret, the App's private
//     key, installation tokens, the PostHog key, the API key, the master
//     key — is in any webhook, GitHub request, PostHog event, model
//     request, API answer or log line.
func TestDeliveryEndToEnd(t *testing.T) {
	browsertest.ChromiumPath(t)
	ctx := context.Background()
	const password = "Tr0ub4dor&3-staple"

	// The application under test: a sign-in form that never signs in and
	// echoes the password into the page.
	var appMu sync.Mutex
	var typed []string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.Method == http.MethodPost {
			pw := r.PostFormValue("password")
			appMu.Lock()
			typed = append(typed, pw)
			appMu.Unlock()
			fmt.Fprintf(w, `<!doctype html><html><head><title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>Wrong password %s</p></body></html>`, html.EscapeString(pw))
			return
		}
		_, _ = io.WriteString(w, `<!doctype html><html><head><title>Shop</title></head><body><h1>Sign in</h1>
<form method="post" action="/login"><label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button></form></body></html>`)
	}))
	defer app.Close()

	// The model: type the placeholder, submit, check for the welcome that
	// never comes, report the failure. Served once per run.
	script := []scripted.Step{
		e2eCall("type", map[string]any{"index": 1, "text": "{{secret.password}}"}),
		e2eCall("click", map[string]any{"index": 2}),
		e2eCall("assert", map[string]any{"check": "text", "value": "Welcome back", "checkpoint": "the welcome page appears"}),
		e2eCall("finish", map[string]any{"verdict": "failed", "summary": "After signing in with {{secret.password}} the page says the sign-in failed; no welcome page."}),
	}
	model := llmtest.NewOpenAI(t, script...)

	// GitHub: an App installed on acme/shop.
	appKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	appKeyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(appKey)}))
	const appID, installation, repo = 424242, 777, "acme/shop"
	gh := githubtest.NewServer(t, appID, &appKey.PublicKey)
	gh.AddInstallation(installation, repo)

	// Google Cloud Storage.
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer gcs.Stop()
	const bucket = "argus-e2e"
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket})

	ph := posthogtest.New(t)
	rcv := newE2EReceiver(t)

	// The database, and the operator's settings.
	dbURL := pgtest.MigratedURL(t)
	masterKey := make([]byte, seal.KeySize)
	_, _ = rand.Read(masterKey)
	const postHogKey = "phc_e2e_project_key_0123456789"
	vars := map[string]string{
		"DATABASE_URL":                 dbURL,
		"ARGUS_SECRET_KEY":             base64.StdEncoding.EncodeToString(masterKey),
		"ARGUS_LISTEN":                 "127.0.0.1:0",
		"ARGUS_PUBLIC_URL":             "https://argus.example.com",
		"ARGUS_LOG_LEVEL":              "debug",
		"ARGUS_MAX_AGENTS":             "1",
		"ARGUS_MODEL":                  "openai:gpt-e2e",
		"OPENAI_API_KEY":               llmtest.APIKey,
		"OPENAI_BASE_URL":              model.BaseURL(),
		"ARGUS_BLOB_URL":               "gs://" + bucket + "/blobs?endpoint=" + gcs.URL() + "/storage/v1/",
		"ARGUS_WEBHOOK_ALLOW_CIDRS":    "127.0.0.1/32",
		"ARGUS_TARGET_ALLOW_CIDRS":     "127.0.0.1/32",
		"ARGUS_POSTHOG_KEY":            postHogKey,
		"ARGUS_POSTHOG_HOST":           ph.URL,
		"ARGUS_GITHUB_APP_ID":          fmt.Sprint(appID),
		"ARGUS_GITHUB_APP_PRIVATE_KEY": appKeyPEM,
		"ARGUS_GITHUB_API_URL":         gh.URL,
	}
	tenant, apiKey := acmeAdmin(t, vars)

	// The test's own view of the database, for what the API does not
	// offer (the signing secret, the GitHub settings) and for checks.
	pool, st := e2eStore(t, dbURL, masterKey)

	// Each process that works jobs hands its River client to the test,
	// subscribed before it starts, so that the test sees every job end
	// and can run retries now rather than after their backoff.
	workers := make(chan *e2eJobs, 2)
	testHookJobs = func(j *jobs.Jobs) {
		if j.Config().Browser == nil {
			return // insert-only: River allows no subscription
		}
		events, _ := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
		workers <- &e2eJobs{t: t, rc: j.Client(), events: events}
	}
	t.Cleanup(func() { testHookJobs = nil })
	logs := &e2eBuffer{}
	base, stop := startServeLogging(t, vars, logs, "--with-worker")
	w := <-workers
	rc := w.rc
	api := &e2eAPI{t: t, base: base, key: apiKey}

	// The guard refuses a private address when the URL is saved…
	res := api.do("POST", "/api/v1/projects", map[string]any{"name": "Shop", "base_url": app.URL, "webhook_url": "http://10.1.2.3/hooks"})
	if res.status != http.StatusBadRequest || !strings.Contains(string(res.body), "webhook_url") {
		t.Fatalf("private webhook URL: %d %s", res.status, res.body)
	}
	// …and accepts the allowed loopback receiver.
	res = api.do("POST", "/api/v1/projects", map[string]any{"name": "Shop", "base_url": app.URL, "webhook_url": rcv.url()})
	// Through the API alone: setting the webhook URL made the project's
	// signing secret, returned this once.
	var project struct {
		ID            uuid.UUID `json:"id"`
		TenantID      uuid.UUID `json:"tenant_id"`
		WebhookSecret string    `json:"webhook_secret"`
	}
	res.decode(&project)
	if res.status != http.StatusCreated || !strings.HasPrefix(project.WebhookSecret, webhook.SecretPrefix) {
		t.Fatalf("create project: %d %s", res.status, res.body)
	}
	whSecret := project.WebhookSecret
	if res := api.do("GET", "/api/v1/projects/"+project.ID.String(), nil); strings.Contains(string(res.body), whSecret) {
		t.Fatal("the webhook secret is shown again")
	}
	if res = api.do("PUT", "/api/v1/projects/"+project.ID.String()+"/secrets/password", map[string]any{"value": password}); res.status/100 != 2 {
		t.Fatalf("put secret: %d %s", res.status, res.body)
	}
	res = api.do("POST", "/api/v1/projects/"+project.ID.String()+"/tests", map[string]any{
		"name": "Sign in", "url": "/", "goal": "Sign in with the password {{secret.password}} and check the welcome page appears.",
		"checkpoints": []string{"the welcome page appears"}})
	if res.status != http.StatusCreated {
		t.Fatalf("create test: %d %s", res.status, res.body)
	}
	if _, err := st.PutIntegration(ctx, tenant, store.IntegrationInput{ProjectID: &project.ID, Kind: store.IntegrationGitHub,
		Config: github.Target{InstallationID: installation, Repository: repo}.Config()}); err != nil {
		t.Fatal(err)
	}

	startRun := func(api *e2eAPI) (runID, agentID uuid.UUID) {
		t.Helper()
		res := api.do("POST", "/api/v1/projects/"+project.ID.String()+"/runs", map[string]any{"names": []string{"Sign in"}})
		var run struct {
			ID     uuid.UUID `json:"id"`
			Agents []struct {
				ID uuid.UUID `json:"id"`
			} `json:"agents"`
		}
		res.decode(&run)
		if res.status != http.StatusCreated || len(run.Agents) != 1 {
			t.Fatalf("start run: %d %s", res.status, res.body)
		}
		return run.ID, run.Agents[0].ID
	}
	// First failure. The receiver is down: both events' first attempts
	// are refused.
	run1, agent1 := startRun(api)
	refused := w.until(func(c e2eCounts) bool { return c.webhookFailed == 2 }, false)
	if refused.agentsDone != 1 {
		t.Fatalf("agent job not done before its deliveries: %+v", refused)
	}
	rcv.up(t)
	for _, id := range refused.failedWebhookJobs {
		if _, err := rc.JobRetry(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	// Back, the receiver answers 503 to each event's first request and
	// 200 to the next; failed attempts are retried at once.
	w.until(func(c e2eCounts) bool { return c.webhookDone == 2 && c.githubDone == 1 }, true)

	a1, err := st.GetAgent(ctx, tenant, agent1)
	if err != nil || a1.Status != store.StatusFailed {
		t.Fatalf("agent 1: %+v %v", a1, err)
	}
	appMu.Lock()
	if len(typed) != 1 || typed[0] != password {
		t.Errorf("the application received %d sign-ins; the placeholder was not typed as the secret", len(typed))
	}
	appMu.Unlock()

	// Webhooks: per event, one accepted delivery, verified by the
	// Standard Webhooks library, after a refused attempt and a 503, all
	// under one webhook-id.
	verifier, err := standardwebhooks.NewWebhook(whSecret)
	if err != nil {
		t.Fatal(err)
	}
	deliveries, err := st.ListDeliveries(ctx, tenant, project.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	accepted := rcv.accepted()
	if len(accepted) != 2 {
		t.Fatalf("%d deliveries accepted, want 2 (agent.completed, run.completed)", len(accepted))
	}
	types := map[string]bool{}
	for _, got := range accepted {
		if err := verifier.Verify(got.body, got.header); err != nil {
			t.Fatalf("Standard Webhooks library rejects the delivery: %v", err)
		}
		id := got.header.Get(webhook.HeaderID)
		var env struct {
			Type string `json:"type"`
			Data struct {
				AgentID uuid.UUID `json:"agent_id"`
				RunID   uuid.UUID `json:"run_id"`
				Status  string    `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal(got.body, &env); err != nil {
			t.Fatal(err)
		}
		types[env.Type] = true
		if env.Data.RunID != run1 || env.Data.Status != "failed" || (env.Type == webhook.TypeAgentCompleted && env.Data.AgentID != agent1) {
			t.Errorf("%s: %s", env.Type, got.body)
		}
		if n := rcv.count(id); n != 2 {
			t.Errorf("%s: the receiver got %d requests with webhook-id %s, want 2 (503, then 200)", env.Type, n, id)
		}
		var attempts []store.WebhookDelivery
		for _, d := range deliveries {
			if d.EventID == id {
				attempts = append(attempts, d)
			}
		}
		slices.SortFunc(attempts, func(a, b store.WebhookDelivery) int { return a.Attempt - b.Attempt })
		if len(attempts) != 3 || attempts[0].StatusCode != nil || !strings.Contains(attempts[0].Error, "refused") ||
			attempts[1].StatusCode == nil || *attempts[1].StatusCode != 503 || attempts[2].StatusCode == nil || *attempts[2].StatusCode != 200 {
			t.Errorf("%s: recorded attempts %+v, want refused, 503, 200", env.Type, attempts)
		}
	}
	if !types[webhook.TypeAgentCompleted] || !types[webhook.TypeRunCompleted] {
		t.Errorf("event types delivered: %v", types)
	}

	// GitHub: one issue for the failing test.
	issues := gh.Issues(repo)
	if len(issues) != 1 || len(issues[0].Comments) != 0 || issues[0].State != "open" || !strings.Contains(issues[0].Title, "Sign in") {
		t.Fatalf("issues after the first failure: %+v", issues)
	}

	// Screenshots: every step's, in the bucket, and served by the API
	// from there.
	steps, err := st.ListSteps(ctx, tenant, agent1)
	if err != nil || len(steps) < 4 {
		t.Fatalf("%d steps: %v", len(steps), err)
	}
	listed, err := gcs.ListObjectsWithOptionsPaginated(bucket, fakestorage.ListOptions{Prefix: "blobs/" + storage.AgentPrefix(tenant.String(), agent1.String())})
	if err != nil || listed.NextPageToken != "" {
		t.Fatalf("listing the bucket: %v (next page %q)", err, listed.NextPageToken)
	}
	objs := listed.Objects
	var shots int
	for _, s := range steps {
		if s.ScreenshotKey == "" {
			continue
		}
		shots++
		if !slices.ContainsFunc(objs, func(o fakestorage.ObjectAttrs) bool { return o.Name == "blobs/"+s.ScreenshotKey }) {
			t.Errorf("step %d: screenshot %s not in the bucket", s.Index, s.ScreenshotKey)
		}
	}
	if shots == 0 || len(objs) != shots {
		t.Fatalf("%d screenshots recorded, %d objects in the bucket", shots, len(objs))
	}
	res = api.do("GET", "/api/v1/agents/"+agent1.String()+"/steps", nil)
	var stepList struct {
		Items []struct {
			ScreenshotURL *string `json:"screenshot_url"`
		} `json:"items"`
	}
	res.decode(&stepList)
	if len(stepList.Items) == 0 || stepList.Items[0].ScreenshotURL == nil {
		t.Fatalf("steps over the API: %s", res.body)
	}
	shot := api.do("GET", strings.TrimPrefix(*stepList.Items[0].ScreenshotURL, "https://argus.example.com"), nil)
	if shot.status != 200 || !bytes.HasPrefix(shot.body, []byte("\x89PNG")) {
		t.Fatalf("screenshot over the API: %d", shot.status)
	}
	apiTexts := []string{string(res.body), string(api.do("GET", "/api/v1/runs/"+run1.String(), nil).body)}

	// The embedded worker's agent is in the server's /metrics: one
	// observation per step, the steps' tokens, no agent running now.
	var inTokens, outTokens int
	for _, s := range steps {
		inTokens, outTokens = inTokens+s.InputTokens, outTokens+s.OutputTokens
	}
	metricsText := string(api.do("GET", "/metrics", nil).body)
	for _, line := range []string{
		fmt.Sprintf("argus_step_duration_seconds_count %d", len(steps)),
		fmt.Sprintf(`argus_model_tokens_total{direction="input"} %d`, inTokens),
		fmt.Sprintf(`argus_model_tokens_total{direction="output"} %d`, outTokens),
		"argus_worker_agents_active 0",
	} {
		if !strings.Contains(metricsText, line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
	if inTokens == 0 {
		t.Error("the steps recorded no tokens")
	}

	// Stopping the server flushes PostHog's batch: the first agent's
	// event is sent by now.
	if code := stop(); code != 0 {
		t.Fatalf("argus serve exited %d", code)
	}
	if n := len(ph.Messages(t)); n != 1 {
		t.Fatalf("%d PostHog events after the server stopped, want 1", n)
	}
	for _, b := range ph.Batches() {
		if b.APIKey != postHogKey {
			t.Errorf("a PostHog batch with the project key %q", b.APIKey)
		}
	}

	// The same from a server without a worker and a separate `argus
	// worker`. The server ends an agent too when it is cancelled, and
	// queues its deliveries with an insert-only River client, which must
	// know the delivery job's kind.
	base, stop = startServeLogging(t, vars, logs)
	api = &e2eAPI{t: t, base: base, key: apiKey}
	runC, agentC := startRun(api)
	if res := api.do("POST", "/api/v1/runs/"+runC.String()+"/cancel", nil); res.status/100 != 2 {
		t.Fatalf("cancel run: %d %s", res.status, res.body)
	}
	var queued int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1 AND args->>'body' LIKE '%' || $2 || '%'`, webhook.Kind, agentC.String()).Scan(&queued); err != nil || queued != 2 {
		t.Fatalf("deliveries queued by the server for the cancelled agent: %d (%v), want 2", queued, err)
	}
	// An admin redelivers the first agent.completed through the API of
	// this insert-only server; the worker sends it below.
	var firstAgentEvent store.WebhookDelivery
	for _, d := range deliveries {
		if d.EventType == webhook.TypeAgentCompleted && d.StatusCode != nil && *d.StatusCode == 200 {
			firstAgentEvent = d
		}
	}
	if firstAgentEvent.ID == uuid.Nil {
		t.Fatal("no accepted agent.completed delivery recorded")
	}
	// The delivery log and the redelivery, through the API.
	res = api.do("GET", "/api/v1/projects/"+project.ID.String()+"/deliveries?limit=200", nil)
	var log struct {
		Items []struct {
			ID      uuid.UUID `json:"id"`
			EventID string    `json:"event_id"`
			Attempt int       `json:"attempt"`
		} `json:"items"`
	}
	res.decode(&log)
	attempts := 0
	for _, d := range log.Items {
		if d.EventID == firstAgentEvent.EventID {
			attempts++
		}
	}
	if res.status != http.StatusOK || attempts < 3 {
		t.Fatalf("delivery log through the API: %d, %d attempts of %s (refused, 503, 200): %s", res.status, attempts, firstAgentEvent.EventID, res.body)
	}
	if res := api.do("POST", "/api/v1/deliveries/"+firstAgentEvent.ID.String()+"/redeliver", nil); res.status != http.StatusAccepted {
		t.Fatalf("redeliver: %d %s", res.status, res.body)
	}

	// Second failure of the same test: a comment, not a second issue.
	if err := model.Enqueue(script...); err != nil {
		t.Fatal(err)
	}
	_, agent2 := startRun(api)
	workerCtx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	workerExit := make(chan int, 1)
	go func() {
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: logs, getenv: func(k string) string { return vars[k] }}
		workerExit <- run(workerCtx, []string{"worker"}, e)
	}()
	var w2 *e2eJobs
	select {
	case w2 = <-workers:
	case code := <-workerExit:
		t.Fatalf("argus worker exited %d before starting", code)
	}
	// Five deliveries (the redelivery, the cancelled agent's and the
	// second failure's agent.completed and run.completed), one GitHub
	// report: the cancelled agent is none of GitHub's business.
	w2.until(func(c e2eCounts) bool { return c.webhookDone == 5 && c.githubDone == 1 }, true)
	issues = gh.Issues(repo)
	if len(issues) != 1 || len(issues[0].Comments) != 1 || issues[0].State != "open" {
		t.Fatalf("issues after the second failure: %+v", issues)
	}
	all := rcv.accepted()
	if len(all) != 7 {
		t.Errorf("%d deliveries accepted after three runs and a redelivery, want 7", len(all))
	}
	var again []e2eRequest
	for _, got := range all {
		if got.header.Get(webhook.HeaderID) == firstAgentEvent.EventID {
			again = append(again, got)
		}
	}
	// The same event, not the same bytes: the recorded payload is jsonb,
	// which keeps neither key order nor spacing (the signature covers the
	// bytes sent, so it verifies all the same).
	if len(again) != 2 || !sameJSON(t, again[0].body, again[1].body) {
		t.Errorf("the redelivery: %d accepted requests with webhook-id %s, want the original and the redelivery of the same event", len(again), firstAgentEvent.EventID)
	} else if err := verifier.Verify(again[1].body, again[1].header); err != nil {
		t.Errorf("the redelivery does not verify: %v", err)
	}
	stopWorker()
	select {
	case code := <-workerExit:
		if code != 0 {
			t.Fatalf("argus worker exited %d", code)
		}
	case <-time.After(45 * time.Second):
		t.Fatal("argus worker did not stop within 45 s")
	}
	if code := stop(); code != 0 {
		t.Fatalf("argus serve exited %d", code)
	}
	byAgent := map[string]map[string]json.RawMessage{}
	for _, m := range ph.Messages(t) {
		var props struct {
			AgentID string `json:"agent_id"`
		}
		_ = json.Unmarshal(m["properties"], &props)
		if byAgent[props.AgentID] != nil {
			t.Errorf("two PostHog events for agent %s", props.AgentID)
		}
		byAgent[props.AgentID] = m
	}
	if len(byAgent) != 3 || byAgent[agent1.String()] == nil || byAgent[agent2.String()] == nil || byAgent[agentC.String()] == nil {
		t.Fatalf("PostHog events for agents %v, want one each for %s, %s and %s", sortedKeys(byAgent), agent1, agentC, agent2)
	}
	for i, agentID := range []uuid.UUID{agent1, agentC, agent2} {
		a, err := st.GetAgent(ctx, tenant, agentID)
		if err != nil {
			t.Fatal(err)
		}
		var props map[string]any
		if err := json.Unmarshal(byAgent[agentID.String()]["properties"], &props); err != nil {
			t.Fatal(err)
		}
		// The six, and posthog-go's $lib and $lib_version, which it
		// adds to every event and offers no way to leave out.
		if got, want := sortedKeys(props), []string{"$lib", "$lib_version", "agent_id", "iterations", "model", "success", "tenant_id", "tokens_used"}; !slices.Equal(got, want) {
			t.Errorf("event %d properties %v, want %v", i, got, want)
		}
		want := map[string]any{"agent_id": agentID.String(), "tenant_id": tenant.String(), "success": false, "model": a.Model,
			"iterations": float64(a.Iterations), "tokens_used": float64(a.Tokens())}
		for k, v := range want {
			if props[k] != v {
				t.Errorf("event %d: %s = %#v, want %#v", i, k, props[k], v)
			}
		}
		if agentID != agentC && (a.Model == "" || a.Tokens() == 0) {
			t.Errorf("agent %d: model %q, %d tokens", i, a.Model, a.Tokens())
		}
	}

	// No secret value anywhere that left the process or was logged.
	whKey := strings.TrimPrefix(whSecret, webhook.SecretPrefix)
	rawWHKey, _ := base64.StdEncoding.DecodeString(whKey)
	secrets := map[string]string{
		"the password":              password,
		"the webhook secret":        whSecret,
		"the webhook secret's key":  whKey,
		"the webhook key bytes":     string(rawWHKey),
		"the GitHub App key":        pemLine(appKeyPEM),
		"the PostHog key":           postHogKey,
		"the API key":               apiKey,
		"the master key":            vars["ARGUS_SECRET_KEY"],
		"the model provider's key":  llmtest.APIKey,
		"the password, URL-encoded": "Tr0ub4dor%263-staple",
	}
	toks := gh.Tokens()
	if len(toks) == 0 {
		t.Fatal("no installation token was minted")
	}
	for i, tok := range toks {
		secrets[fmt.Sprintf("installation token %d", i)] = tok.Token
	}
	texts := map[string]string{"log": logs.String(), "PostHog events": ph.EventsText()}
	for i, got := range rcv.all() {
		texts[fmt.Sprintf("webhook request %d", i)] = string(got.body) + fmt.Sprint(got.header)
	}
	if deliveries, err = st.ListDeliveries(ctx, tenant, project.ID, 100); err != nil || len(deliveries) < 10 {
		t.Fatalf("%d delivery attempts recorded (%v), want at least 10", len(deliveries), err)
	}
	for i, d := range deliveries {
		texts[fmt.Sprintf("recorded delivery %d", i)] = string(d.Payload) + d.Error + d.ResponseExcerpt
	}
	for i, req := range gh.Requests() {
		if req.Path != "" && !strings.Contains(req.Path, "access_tokens") {
			texts[fmt.Sprintf("GitHub request %d (%s %s)", i, req.Method, req.Path)] = req.Body
		}
	}
	for _, is := range gh.Issues(repo) {
		texts["issue body"] = is.Body
		texts["issue comments"] = strings.Join(is.Comments, "\n")
	}
	for i, req := range model.Requests() {
		texts[fmt.Sprintf("model request %d", i)] = string(req.Body)
	}
	for i, s := range apiTexts {
		texts[fmt.Sprintf("API answer %d", i)] = s
	}
	for where, text := range texts {
		for what, secret := range secrets {
			if what == "the model provider's key" && strings.HasPrefix(where, "model request") {
				continue // the provider's own credential, in its header only; bodies are checked
			}
			if strings.Contains(text, secret) {
				t.Errorf("%s contains %s", where, what)
			}
		}
	}
	if !strings.Contains(logs.String(), "webhook delivered") {
		t.Errorf("the log has no delivery line; was it captured?\n%.2000s", logs.String())
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}

func e2eCall(name string, args any) scripted.Step {
	raw, _ := json.Marshal(args)
	return scripted.Step{ToolCalls: []llm.ToolCall{{Name: name, Args: raw}}, Usage: llm.Usage{InputTokens: 900, OutputTokens: 40}}
}

// pemLine is one line of a PEM key's base64 body: enough to recognise the
// key in any text that quotes it.
func pemLine(p string) string {
	lines := strings.Split(p, "\n")
	return lines[len(lines)/2]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// e2eCounts are the job outcomes seen so far.
type e2eCounts struct {
	agentsDone, webhookDone, webhookFailed, githubDone int
	failedWebhookJobs                                  []int64
}

// e2eJobs follows River's job events of the server's client.
type e2eJobs struct {
	t      *testing.T
	rc     *river.Client[pgx.Tx]
	events <-chan *river.Event
	counts e2eCounts
}

// until handles job events until done says so, and returns the counts.
// With retry, a failed webhook delivery is made available again at once
// instead of after its backoff (79 s, then 4 min…); the failure itself
// stays recorded as an attempt, which is what a retry is. Any other failed
// or cancelled job fails the test.
func (w *e2eJobs) until(done func(e2eCounts) bool, retry bool) e2eCounts {
	w.t.Helper()
	timeout := time.After(3 * time.Minute)
	for !done(w.counts) {
		select {
		case ev := <-w.events:
			switch {
			case ev.Job.Kind == webhook.Kind && ev.Kind == river.EventKindJobFailed:
				w.counts.webhookFailed++
				w.counts.failedWebhookJobs = append(w.counts.failedWebhookJobs, ev.Job.ID)
				if retry {
					if _, err := w.rc.JobRetry(context.Background(), ev.Job.ID); err != nil {
						w.t.Fatal(err)
					}
				}
			case ev.Kind != river.EventKindJobCompleted:
				w.t.Fatalf("job %s (attempt %d) ended %s: %v", ev.Job.Kind, ev.Job.Attempt, ev.Kind, ev.Job.Errors)
			case ev.Job.Kind == webhook.Kind:
				w.counts.webhookDone++
			case ev.Job.Kind == (github.ReportArgs{}).Kind():
				w.counts.githubDone++
			case ev.Job.Kind == (jobs.AgentArgs{}).Kind():
				w.counts.agentsDone++
			}
		case <-timeout:
			w.t.Fatalf("waited 3 minutes; job outcomes so far: %+v", w.counts)
		}
	}
	c := w.counts
	w.counts.failedWebhookJobs = nil
	return c
}

// e2eReceiver is a webhook endpoint on 127.0.0.1 that starts down
// (nothing listens on its port, so connections are refused) and, once up,
// answers 503 to the first request of each webhook-id and 200 after.
type e2eReceiver struct {
	addr string

	mu   sync.Mutex
	got  []e2eRequest
	seen map[string]int
}

type e2eRequest struct {
	header http.Header
	body   []byte
	status int
}

func newE2EReceiver(t *testing.T) *e2eReceiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return &e2eReceiver{addr: addr, seen: map[string]int{}}
}

func (r *e2eReceiver) url() string { return "http://" + r.addr + "/hooks/argus" }

func (r *e2eReceiver) up(t *testing.T) {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		id := req.Header.Get(webhook.HeaderID)
		r.mu.Lock()
		r.seen[id]++
		status := http.StatusOK
		if r.seen[id] == 1 {
			status = http.StatusServiceUnavailable
		}
		r.got = append(r.got, e2eRequest{header: req.Header.Clone(), body: body, status: status})
		r.mu.Unlock()
		w.WriteHeader(status)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

func (r *e2eReceiver) all() []e2eRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func (r *e2eReceiver) accepted() []e2eRequest {
	var out []e2eRequest
	for _, g := range r.all() {
		if g.status/100 == 2 {
			out = append(out, g)
		}
	}
	return out
}

func (r *e2eReceiver) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[id]
}
