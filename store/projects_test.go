package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/store"
)

func TestProjectsAndSecrets(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")

	p, err := s.UpdateProject(ctx, w.tenant.ID, w.project.ID, store.ProjectInput{
		Name: "Shop", BaseURL: "https://shop.example.com", AllowedOrigins: []string{"https://cdn.example.com"},
		WebhookURL: "https://hooks.example.com/argus", DefaultModel: "gemini:gemini-2.5-flash",
		Settings: map[string]any{"vision": true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasWebhookSecret || p.Settings["vision"] != true || len(p.AllowedOrigins) != 1 {
		t.Fatalf("updated project %+v", p)
	}
	for _, bad := range []store.ProjectInput{
		{Name: "", BaseURL: "https://x.example.com"},
		{Name: "x", BaseURL: "ftp://x.example.com"},
		{Name: "x", BaseURL: "https://x.example.com", WebhookURL: "not a url"},
	} {
		if _, err := s.CreateProject(ctx, w.tenant.ID, bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateProject(%+v): %v", bad, err)
		}
	}
	if _, err := s.CreateProject(ctx, w.tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "https://x.example.com"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
	secret, err := s.WebhookSecret(ctx, w.tenant.ID, w.project.ID)
	if err != nil || secret != "whsec_acme" {
		t.Fatalf("webhook secret: %q %v", secret, err)
	}
	other, _ := s.CreateProject(ctx, w.tenant.ID, store.ProjectInput{Name: "Blog", BaseURL: "https://blog.example.com"})
	if _, err := s.WebhookSecret(ctx, w.tenant.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing webhook secret: %v", err)
	}
	list, err := s.ListProjects(ctx, w.tenant.ID)
	if err != nil || len(list) != 2 || list[0].Name != "Blog" {
		t.Fatalf("list: %+v %v", list, err)
	}

	// Secrets: write-only; values open only through SecretValues.
	if _, err := s.PutSecret(ctx, w.tenant.ID, w.project.ID, "password", "rotated-value"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutSecret(ctx, w.tenant.ID, w.project.ID, "totp_seed", "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "1abc", "has space", "{{secret.x}}"} {
		if _, err := s.PutSecret(ctx, w.tenant.ID, w.project.ID, name, "v"); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("secret name %q: %v", name, err)
		}
	}
	secrets, err := s.ListSecrets(ctx, w.tenant.ID, w.project.ID)
	if err != nil || len(secrets) != 2 || secrets[0].Name != "password" || secrets[0].KeyID != "k1" {
		t.Fatalf("list secrets: %+v %v", secrets, err)
	}
	values, err := s.SecretValues(ctx, w.tenant.ID, w.project.ID)
	if err != nil || values["password"] != "rotated-value" || values["totp_seed"] != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("values: %v %v", values, err)
	}
	// A ciphertext moved to another row must not open.
	if _, err := s.Pool().Exec(ctx, `UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE name = 'password'),
		nonce = (SELECT nonce FROM secrets WHERE name = 'password') WHERE name = 'totp_seed'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SecretValues(ctx, w.tenant.ID, w.project.ID); err == nil {
		t.Fatal("a ciphertext copied into another secret opened")
	}
	if err := s.DeleteSecret(ctx, w.tenant.ID, w.project.ID, "totp_seed"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProject(ctx, w.tenant.ID, other.ID); err != nil {
		t.Fatal(err)
	}
}

func TestTestsSearchTagsAndPages(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	for i := range 25 {
		tags := []string{"regression"}
		if i%5 == 0 {
			tags = append(tags, "Smoke")
		}
		_, err := s.CreateTest(ctx, w.tenant.ID, w.project.ID, store.TestInput{
			Name: fmt.Sprintf("Search products %02d", i), Goal: "find a 100% cotton_shirt", Tags: tags,
			Steps: []string{`navigate "/search"`}, Timeout: 2 * time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetTest(ctx, w.tenant.ID, w.test.ID)
	if err != nil || got.Goal != "buy a thing" || got.Timeout != store.DefaultTestTimeout || !slices.Equal(got.Tags, []string{"smoke"}) {
		t.Fatalf("get: %+v %v", got, err)
	}

	var all []store.Test
	var cursor *store.Cursor
	for {
		page, next, err := s.ListTests(ctx, w.tenant.ID, store.TestFilter{Limit: 10, After: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == nil {
			break
		}
		parsed, err := store.ParseCursor(next.String())
		if err != nil || *parsed != *next {
			t.Fatalf("cursor round trip: %v", err)
		}
		cursor = parsed
	}
	if len(all) != 26 || all[0].Name != "Search products 24" || all[25].ID != w.test.ID {
		t.Fatalf("paged through %d tests, first %q", len(all), all[0].Name)
	}

	search := func(f store.TestFilter) int {
		t.Helper()
		page, _, err := s.ListTests(ctx, w.tenant.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		return len(page)
	}
	if n := search(store.TestFilter{Search: "PRODUCTS 1"}); n != 10 {
		t.Errorf("search 'PRODUCTS 1': %d, want 10", n)
	}
	if n := search(store.TestFilter{Search: "100%"}); n != 25 {
		t.Errorf("search '100%%' (literal percent): %d", n)
	}
	if n := search(store.TestFilter{Search: "0%"}); n != 25 {
		t.Errorf("search '0%%': %d", n)
	}
	if n := search(store.TestFilter{Search: "a_1"}); n != 0 {
		t.Errorf("underscore matched as a wildcard: %d", n)
	}
	if n := search(store.TestFilter{Tags: []string{"smoke"}}); n != 6 {
		t.Errorf("tag smoke: %d, want 6", n)
	}
	if n := search(store.TestFilter{Tags: []string{"smoke", "regression"}}); n != 5 {
		t.Errorf("tags smoke+regression: %d, want 5", n)
	}
	if n := search(store.TestFilter{ProjectID: &w.project.ID, Search: "buy"}); n != 1 {
		t.Errorf("project + search: %d", n)
	}
	if _, err := store.ParseCursor("garbage!"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}

	if _, err := s.CreateTest(ctx, w.tenant.ID, w.project.ID, store.TestInput{Name: "empty"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("test without goal or steps: %v", err)
	}
	if _, err := s.CreateTest(ctx, w.tenant.ID, uuid.New(), store.TestInput{Name: "orphan", Goal: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("test in unknown project: %v", err)
	}
	upd, err := s.UpdateTest(ctx, w.tenant.ID, w.test.ID, store.TestInput{Name: "Checkout", Goal: "pay", Checkpoints: []string{"receipt shown"}})
	if err != nil || upd.Checkpoints[0] != "receipt shown" || !upd.UpdatedAt.After(upd.CreatedAt) {
		t.Fatalf("update: %+v %v", upd, err)
	}
}

func TestRunsAgentsSteps(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	t2, _ := s.CreateTest(ctx, w.tenant.ID, w.project.ID, store.TestInput{Name: "Login", Goal: "log in"})

	var enqueued int
	run, agents, existing, err := s.CreateRun(ctx, w.tenant.ID, store.RunInput{
		ProjectID: w.project.ID, Trigger: store.TriggerCI, CommitSHA: "0123abcd", Branch: "main",
		TestIDs: []uuid.UUID{w.test.ID, t2.ID}, IdempotencyKey: "build-42", RequestHash: "h1",
	}, func(ctx context.Context, _ pgx.Tx, run *store.Run, agents []store.Agent) error {
		enqueued = len(agents)
		return nil
	})
	if err != nil || existing || len(agents) != 2 || enqueued != 2 || run.Status != store.StatusQueued {
		t.Fatalf("create run: %+v %v existing=%v enqueued=%d", run, err, existing, enqueued)
	}
	again, againAgents, existing, err := s.CreateRun(ctx, w.tenant.ID, store.RunInput{
		ProjectID: w.project.ID, TestIDs: []uuid.UUID{w.test.ID, t2.ID}, IdempotencyKey: "build-42", RequestHash: "h1",
	}, func(context.Context, pgx.Tx, *store.Run, []store.Agent) error {
		t.Fatal("an idempotent retry enqueued jobs")
		return nil
	})
	if err != nil || !existing || again.ID != run.ID || len(againAgents) != 2 {
		t.Fatalf("idempotent retry: %v existing=%v", err, existing)
	}
	if _, _, _, err := s.CreateRun(ctx, w.tenant.ID, store.RunInput{
		ProjectID: w.project.ID, TestIDs: []uuid.UUID{w.test.ID}, IdempotencyKey: "build-42", RequestHash: "other",
	}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("key reused for another request: %v", err)
	}
	if _, _, _, err := s.CreateRun(ctx, w.tenant.ID, store.RunInput{ProjectID: w.project.ID, TestIDs: []uuid.UUID{uuid.New()}}, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("run of an unknown test: %v", err)
	}
	if _, _, _, err := s.CreateRun(ctx, w.tenant.ID, store.RunInput{ProjectID: w.project.ID, TestIDs: []uuid.UUID{w.test.ID}, CommitSHA: "not hex"}, nil); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("bad commit: %v", err)
	}

	jobID := int64(7)
	a, err := s.StartAgent(ctx, w.tenant.ID, agents[0].ID, 1, &jobID, "scripted:test")
	if err != nil || a.Status != store.StatusRunning || a.Attempt != 1 || *a.JobID != 7 {
		t.Fatalf("start: %+v %v", a, err)
	}
	if r, _ := s.RefreshRunStatus(ctx, w.tenant.ID, run.ID); r.Status != store.StatusRunning || r.StartedAt == nil {
		t.Fatalf("run while one agent runs: %+v", r)
	}
	for i, action := range []string{"navigate", "click", "finish"} {
		if _, err := s.AppendStep(ctx, w.tenant.ID, store.Step{
			AgentID: a.ID, Attempt: 1, Index: i, Thought: "next", Action: action,
			Args: map[string]any{"index": i}, Outcome: "ok", URL: "https://shop.example.com/", ObserveMS: 9, ModelMS: 400, ActMS: 12,
			InputTokens: 1000, OutputTokens: 50, ScreenshotKey: fmt.Sprintf("shots/%d.png", i),
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AppendStep(ctx, w.tenant.ID, store.Step{AgentID: a.ID, Attempt: 1, Index: 2, Action: "dup"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate step index: %v", err)
	}
	steps, err := s.ListSteps(ctx, w.tenant.ID, a.ID)
	if err != nil || len(steps) != 3 || steps[1].Action != "click" || steps[1].Args["index"] != float64(1) || steps[2].ScreenshotKey != "shots/2.png" {
		t.Fatalf("steps: %+v %v", steps, err)
	}
	if err := s.UpdateAgentProgress(ctx, w.tenant.ID, a.ID, store.AgentProgress{Iterations: 3, InputTokens: 3000, OutputTokens: 150}); err != nil {
		t.Fatal(err)
	}
	done, err := s.FinishAgent(ctx, w.tenant.ID, a.ID, store.AgentResult{Status: store.StatusFailed, Summary: "no receipt", AgentProgress: store.AgentProgress{Iterations: 3, InputTokens: 3000, OutputTokens: 150}})
	if err != nil || done.Status != store.StatusFailed || done.Tokens() != 3150 || done.DurationMS == nil || done.FinishedAt == nil {
		t.Fatalf("finish: %+v %v", done, err)
	}
	if _, err := s.FinishAgent(ctx, w.tenant.ID, a.ID, store.AgentResult{Status: store.StatusRunning}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("finishing with a non-final status: %v", err)
	}
	if _, err := s.CancelAgent(ctx, w.tenant.ID, a.ID, "too late"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancelling a finished agent: %v", err)
	}
	c, err := s.CancelAgent(ctx, w.tenant.ID, agents[1].ID, "cancelled by alice")
	if err != nil || c.Status != store.StatusCancelled {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := s.FinishAgent(ctx, w.tenant.ID, agents[1].ID, store.AgentResult{Status: store.StatusPassed}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a cancelled agent was overwritten: %v", err)
	}
	r, err := s.RefreshRunStatus(ctx, w.tenant.ID, run.ID)
	if err != nil || r.Status != store.StatusFailed || r.FinishedAt == nil {
		t.Fatalf("run after failed + cancelled: %+v %v", r, err)
	}
	runs, next, err := s.ListRuns(ctx, w.tenant.ID, store.RunFilter{ProjectID: &w.project.ID})
	// The world holds a run and a plan run of its own.
	if err != nil || next != nil || len(runs) != 3 || runs[0].ID != run.ID {
		t.Fatalf("list runs: %d %v", len(runs), err)
	}

	// Deleting a test keeps its agents, by name.
	if err := s.DeleteTest(ctx, w.tenant.ID, t2.ID); err != nil {
		t.Fatal(err)
	}
	kept, err := s.GetAgent(ctx, w.tenant.ID, agents[1].ID)
	if err != nil || kept.TestID != nil || kept.TestName != "Login" {
		t.Fatalf("agent after its test was deleted: %+v %v", kept, err)
	}
	if err := s.DeleteAgent(ctx, w.tenant.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if steps, _ := s.ListSteps(ctx, w.tenant.ID, a.ID); len(steps) != 0 {
		t.Fatal("steps survive their agent")
	}
}

func TestDeliveriesAndIntegrations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	long := make([]byte, 3000)
	for i := range long {
		long[i] = 'x'
	}
	code, latency := 503, 120
	d, err := s.RecordDelivery(ctx, w.tenant.ID, store.WebhookDelivery{ProjectID: w.project.ID, EventID: "msg_1", EventType: "run.completed",
		URL: "https://hooks.example.com", Payload: []byte(`{"a":1}`), Attempt: 2, StatusCode: &code, LatencyMS: &latency,
		ResponseExcerpt: "é" + string(long)})
	if err != nil || len(d.ResponseExcerpt) > 1024 || *d.StatusCode != 503 {
		t.Fatalf("record: %v (excerpt %d bytes)", err, len(d.ResponseExcerpt))
	}
	list, err := s.ListDeliveries(ctx, w.tenant.ID, w.project.ID, 10)
	if err != nil || len(list) != 2 || list[0].ID != d.ID {
		t.Fatalf("list: %d %v", len(list), err)
	}
	first, next, err := s.DeliveryPage(ctx, w.tenant.ID, store.DeliveryFilter{ProjectID: w.project.ID, Limit: 1})
	if err != nil || len(first) != 1 || first[0].ID != d.ID || next == nil {
		t.Fatalf("first page: %d %v %v", len(first), next, err)
	}
	second, next, err := s.DeliveryPage(ctx, w.tenant.ID, store.DeliveryFilter{ProjectID: w.project.ID, Limit: 1, After: next})
	if err != nil || len(second) != 1 || second[0].ID != list[1].ID || next != nil {
		t.Fatalf("second page: %d %v %v", len(second), next, err)
	}
	if got, err := s.GetDelivery(ctx, w.tenant.ID, d.ID); err != nil || got.EventID != "msg_1" {
		t.Fatalf("get: %v", err)
	}

	in, err := s.GetIntegration(ctx, w.tenant.ID, store.IntegrationGitHub, &w.project.ID)
	if err != nil || !in.HasToken || in.Config["repo"] != "acme/shop" {
		t.Fatalf("get integration: %+v %v", in, err)
	}
	tok, err := s.IntegrationToken(ctx, w.tenant.ID, store.IntegrationGitHub, &w.project.ID)
	if err != nil || tok != "ghs_acme" {
		t.Fatalf("token: %q %v", tok, err)
	}
	// Updating settings without a token keeps the token.
	if _, err := s.PutIntegration(ctx, w.tenant.ID, store.IntegrationInput{Kind: store.IntegrationGitHub, ProjectID: &w.project.ID, Config: map[string]any{"repo": "acme/web"}}); err != nil {
		t.Fatal(err)
	}
	if tok, _ := s.IntegrationToken(ctx, w.tenant.ID, store.IntegrationGitHub, &w.project.ID); tok != "ghs_acme" {
		t.Fatalf("token lost on update: %q", tok)
	}
	tenantWide, err := s.PutIntegration(ctx, w.tenant.ID, store.IntegrationInput{Kind: store.IntegrationM365, Token: "m365-refresh"})
	if err != nil || tenantWide.ProjectID != nil {
		t.Fatalf("tenant-wide integration: %v", err)
	}
	if _, err := s.PutIntegration(ctx, w.tenant.ID, store.IntegrationInput{Kind: store.IntegrationM365, Token: "m365-refresh-2"}); err != nil {
		t.Fatalf("second put of a tenant-wide integration: %v", err)
	}
	if tok, _ := s.IntegrationToken(ctx, w.tenant.ID, store.IntegrationM365, nil); tok != "m365-refresh-2" {
		t.Fatalf("tenant-wide token %q", tok)
	}
	if err := s.DeleteIntegration(ctx, w.tenant.ID, store.IntegrationM365, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutIntegration(ctx, w.tenant.ID, store.IntegrationInput{Kind: "slack"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("unknown kind: %v", err)
	}
}
