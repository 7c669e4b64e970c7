package github_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/redact"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const password = "s3cret-Passw0rd!"

// dbFixture is a migrated database with a tenant, a project connected to
// the fake GitHub, and helpers to finish agents the way the agent job does.
type dbFixture struct {
	*fixture
	pool    *pgxpool.Pool
	store   *store.Store
	tenant  uuid.UUID
	project uuid.UUID
}

func newDBFixture(t *testing.T, target github.Target) *dbFixture {
	t.Helper()
	ctx := t.Context()
	f := &dbFixture{fixture: setup(t), pool: pgtest.Migrated(t)}
	key := make([]byte, seal.KeySize)
	rand.Read(key)
	kr, err := seal.NewKeyring("k1", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.store, err = store.New(ctx, f.pool, store.Config{Keyring: kr, BcryptCost: 4}); err != nil {
		t.Fatal(err)
	}
	ten, err := f.store.CreateTenant(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.store.CreateProject(ctx, ten.ID, store.ProjectInput{Name: "Shop", BaseURL: "https://shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	f.tenant, f.project = ten.ID, p.ID
	if target.Repository != "" {
		if _, err := f.store.PutIntegration(ctx, f.tenant, store.IntegrationInput{ProjectID: &f.project, Kind: store.IntegrationGitHub, Config: target.Config()}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// finishAgent runs one agent of test through the store: two steps (the
// second failing, with a screenshot), a verdict, a redacted summary.
func (f *dbFixture) finishAgent(t *testing.T, test *store.Test, status store.Status) uuid.UUID {
	t.Helper()
	ctx := t.Context()
	_, agents, _, err := f.store.CreateRun(ctx, f.tenant, store.RunInput{
		ProjectID: f.project, Trigger: store.TriggerUI, TestIDs: []uuid.UUID{test.ID}, CommitSHA: "9f8e7d6", Branch: "release",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := agents[0]
	if _, err := f.store.StartAgent(ctx, f.tenant, a.ID, 1, nil, "scripted"); err != nil {
		t.Fatal(err)
	}
	red := redact.New(password)
	for _, st := range []store.Step{
		{AgentID: a.ID, Attempt: 1, Index: 0, Action: "type", Args: map[string]any{"into": "Password", "text": red.String(password)}, Outcome: "typed", ScreenshotKey: "k/0.png"},
		{AgentID: a.ID, Attempt: 1, Index: 1, Action: "click", Args: map[string]any{"target": "Pay now"}, Outcome: "an error banner says Card declined", URL: "https://shop.example.com/pay", ScreenshotKey: "k/1.png"},
		{AgentID: a.ID, Attempt: 1, Index: 2, Action: "finish", Outcome: "failed"},
	} {
		if _, err := f.store.AppendStep(ctx, f.tenant, st); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.FinishAgent(ctx, f.tenant, a.ID, store.AgentResult{
		Status: status, Summary: red.String("Signed in with " + password + "; paying failed with Card declined."),
	}); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (f *dbFixture) test(t *testing.T, name string) *store.Test {
	t.Helper()
	tt, err := f.store.CreateTest(t.Context(), f.tenant, f.project, store.TestInput{Name: name, StartURL: "https://shop.example.com", Goal: "buy a thing"})
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

func TestStoreSourceBuildsTheOutcome(t *testing.T) {
	f := newDBFixture(t, github.Target{InstallationID: installation, Repository: repo, CloseOnPass: true})
	tt := f.test(t, "Checkout")
	agent := f.finishAgent(t, tt, store.StatusFailed)
	src := github.StoreSource{Store: f.store, PublicURL: "https://argus.example.com/"}
	o, ok, err := src.Outcome(t.Context(), f.tenant, agent)
	if err != nil || !ok {
		t.Fatalf("outcome: %v %v", ok, err)
	}
	want := github.Outcome{
		Target:        github.Target{InstallationID: installation, Repository: repo, CloseOnPass: true},
		TestID:        tt.ID.String(),
		TestName:      "Checkout",
		AgentID:       agent.String(),
		Status:        github.StatusFailed,
		Summary:       "Signed in with " + redact.Mask(password) + "; paying failed with Card declined.",
		FailingStep:   "2. click target=Pay now\n→ an error banner says Card declined\nat https://shop.example.com/pay",
		ScreenshotURL: "https://argus.example.com/agents/" + agent.String() + "/screenshots/1/1",
		AgentURL:      "https://argus.example.com/agents/" + agent.String(),
		Commit:        "9f8e7d6",
		Branch:        "release",
	}
	want.RunURL = o.RunURL
	if o != want {
		t.Fatalf("outcome\n got %+v\nwant %+v", o, want)
	}
	if !strings.HasPrefix(o.RunURL, "https://argus.example.com/runs/") {
		t.Fatalf("run URL %q", o.RunURL)
	}

	// Another tenant cannot read this agent.
	other, err := f.store.CreateTenant(t.Context(), "Other", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.Outcome(t.Context(), other.ID, agent); err == nil {
		t.Fatal("another tenant's source found the agent")
	}
}

func TestStoreSourceWithoutIntegration(t *testing.T) {
	f := newDBFixture(t, github.Target{})
	agent := f.finishAgent(t, f.test(t, "Checkout"), store.StatusFailed)
	_, ok, err := github.StoreSource{Store: f.store}.Outcome(t.Context(), f.tenant, agent)
	if err != nil || ok {
		t.Fatalf("project without GitHub: ok %v, err %v", ok, err)
	}
}

// TestWorkerThroughRiver runs the report jobs in a real River client on the
// integrations queue: two failures of one test make one issue with one
// comment, a pass closes it, and an uninstalled App cancels the job rather
// than retrying it.
func TestWorkerThroughRiver(t *testing.T) {
	f := newDBFixture(t, github.Target{InstallationID: installation, Repository: repo, CloseOnPass: true})
	ctx := t.Context()
	workers := river.NewWorkers()
	river.AddWorker(workers, github.NewWorker(f.rep, github.StoreSource{Store: f.store, PublicURL: "https://argus.example.com"}, slog.New(slog.DiscardHandler)))
	client, err := river.NewClient(riverpgxv5.New(f.pool), &river.Config{
		Queues:            map[string]river.QueueConfig{github.QueueIntegrations: {MaxWorkers: 2}},
		Workers:           workers,
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	events, cancelSub := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled, river.EventKindJobFailed)
	defer cancelSub()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		client.Stop(stopCtx)
	})
	run := func(agent uuid.UUID) *river.Event {
		t.Helper()
		res, err := client.Insert(ctx, github.ReportArgs{TenantID: f.tenant, AgentID: agent}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Job.Queue != github.QueueIntegrations || res.Job.Kind != "github_report" {
			t.Fatalf("job %s on %s", res.Job.Kind, res.Job.Queue)
		}
		timeout := time.After(60 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev.Job.ID == res.Job.ID {
					return ev
				}
			case <-timeout:
				t.Fatalf("job %d did not finish", res.Job.ID)
			}
		}
	}

	tt := f.test(t, "Checkout")
	for i := range 2 {
		if ev := run(f.finishAgent(t, tt, store.StatusFailed)); ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("failure %d: %s %v", i, ev.Kind, ev.Job.Errors)
		}
	}
	if ev := run(f.finishAgent(t, tt, store.StatusPassed)); ev.Kind != river.EventKindJobCompleted {
		t.Fatalf("pass: %s", ev.Kind)
	}
	issues := f.srv.Issues(repo)
	if len(issues) != 1 || len(issues[0].Comments) != 2 || issues[0].State != "closed" {
		t.Fatalf("%d issues; first: %+v", len(issues), issues)
	}
	body := issues[0].Body
	for _, want := range []string{"<!-- argus-test:" + tt.ID.String() + " -->", "Card declined", "/screenshots/1/1)"} {
		if !strings.Contains(body, want) {
			t.Errorf("issue body lacks %q:\n%s", want, body)
		}
	}
	for _, r := range f.srv.Requests() {
		if strings.Contains(r.Body, password) {
			t.Fatalf("the password reached GitHub: %s %s", r.Method, r.Path)
		}
	}

	f.srv.RemoveInstallation(installation)
	ev := run(f.finishAgent(t, f.test(t, "Search"), store.StatusFailed))
	if ev.Kind != river.EventKindJobCancelled || ev.Job.State != rivertype.JobStateCancelled || ev.Job.Attempt != 1 {
		t.Fatalf("uninstalled App: %s after %d attempts", ev.Kind, ev.Job.Attempt)
	}
}
