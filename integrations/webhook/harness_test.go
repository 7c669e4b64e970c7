package webhook_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/redact"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// loopbackOnly is the allow setting tests use: 127.0.0.1 and nothing else.
var loopbackOnly = webhook.GuardConfig{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// received is one request the test receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is an HTTP endpoint on 127.0.0.1 whose answers the test scripts.
type receiver struct {
	addr string
	got  chan received
	srv  *http.Server
	ln   net.Listener

	mu     sync.Mutex
	status []int // answers in order; the last one repeats
}

// newReceiver listens on 127.0.0.1 and answers with statuses in turn.
func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{addr: ln.Addr().String(), got: make(chan received, 16), status: statuses}
	r.serve(t, ln)
	return r
}

// downReceiver reserves a loopback port with nothing listening on it.
func downReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return &receiver{addr: addr, got: make(chan received, 16), status: statuses}
}

// up starts listening on the receiver's address.
func (r *receiver) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	r.serve(t, ln)
}

func (r *receiver) serve(t *testing.T, ln net.Listener) {
	r.ln = ln
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		code := r.status[0]
		if len(r.status) > 1 {
			r.status = r.status[1:]
		}
		r.mu.Unlock()
		r.got <- received{header: req.Header.Clone(), body: body}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	})}
	go func() { _ = r.srv.Serve(ln) }()
	t.Cleanup(func() { _ = r.srv.Close() })
}

func (r *receiver) url() string { return "http://" + r.addr + "/hooks/argus?token=receiver-token" }

// next waits for the next request.
func (r *receiver) next(t *testing.T) received {
	t.Helper()
	select {
	case got := <-r.got:
		return got
	case <-time.After(60 * time.Second):
		t.Fatal("receiver got no request within 60 s")
	}
	panic("unreachable")
}

// fixture is a tenant with a project, a finished run with one failed agent
// whose summary had a secret redacted, and a River client running the
// webhook worker.
type fixture struct {
	ctx     context.Context
	pool    *pgxpool.Pool
	st      *store.Store
	tenant  uuid.UUID
	project *store.Project
	run     *store.Run
	agent   *store.Agent
	// secret is the webhook signing secret; password a project secret the
	// agent typed.
	secret, password string
	logs             *syncBuffer
	river            *river.Client[pgx.Tx]
	events           <-chan *river.Event
	pub              *webhook.Publisher
}

func newFixture(t *testing.T, endpoint string, cfg webhook.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	kr, err := seal.NewKeyring("k1", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, pool: pgtest.Migrated(t), logs: &syncBuffer{}, password: "hunter2-Tr0ub4dor"}
	f.st, err = store.New(ctx, f.pool, store.Config{Keyring: kr, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tenant, err := f.st.CreateTenant(ctx, "Acme", "")
	must(err)
	f.tenant = tenant.ID
	f.project, err = f.st.CreateProject(ctx, f.tenant, store.ProjectInput{Name: "Shop", BaseURL: "https://shop.example.com", WebhookURL: endpoint})
	must(err)
	f.secret, err = webhook.RotateSecret(ctx, f.st, f.tenant, f.project.ID, webhook.DefaultRotationWindow)
	must(err)
	_, err = f.st.PutSecret(ctx, f.tenant, f.project.ID, "password", f.password)
	must(err)
	test, err := f.st.CreateTest(ctx, f.tenant, f.project.ID, store.TestInput{Name: "Checkout", Goal: "buy a thing"})
	must(err)
	run, agents, _, err := f.st.CreateRun(ctx, f.tenant, store.RunInput{
		ProjectID: f.project.ID, Trigger: store.TriggerCI, CommitSHA: "0123456789abcdef0123456789abcdef01234567", Branch: "main",
		TestIDs: []uuid.UUID{test.ID},
	}, nil)
	must(err)
	_, err = f.st.StartAgent(ctx, f.tenant, agents[0].ID, 1, nil, "scripted:test")
	must(err)
	red := redact.New(f.password)
	f.agent, err = f.st.FinishAgent(ctx, f.tenant, agents[0].ID, store.AgentResult{
		Status:        store.StatusFailed,
		Summary:       red.String("typed " + f.password + " into Password; the confirmation page never appeared"),
		AgentProgress: store.AgentProgress{Iterations: 4, InputTokens: 1000, OutputTokens: 200},
	})
	must(err)
	f.run, err = f.st.RefreshRunStatus(ctx, f.tenant, run.ID)
	must(err)

	// Everything the worker logs goes through the redacting handler, as
	// in the server, and into a buffer the test searches.
	cfg.Logger = slog.New(redact.NewHandler(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}), redact.New(f.password)))
	workers := river.NewWorkers()
	river.AddWorker(workers, webhook.NewWorker(f.st, cfg))
	f.river, err = river.NewClient(riverpgxv5.New(f.pool), &river.Config{
		Queues:            map[string]river.QueueConfig{webhook.Queue: {MaxWorkers: 2}},
		Workers:           workers,
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            cfg.Logger,
		TestOnly:          true,
	})
	must(err)
	var cancel func()
	f.events, cancel = f.river.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	t.Cleanup(cancel)
	must(f.river.Start(ctx))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = f.river.Stop(stopCtx)
	})
	f.pub = &webhook.Publisher{Inserter: f.river, PublicURL: "https://argus.example.com"}
	return f
}

// publishAgent queues agent.completed in a transaction.
func (f *fixture) publishAgent(t *testing.T) {
	t.Helper()
	if err := pgx.BeginFunc(f.ctx, f.pool, func(tx pgx.Tx) error {
		return f.pub.AgentCompleted(f.ctx, tx, f.project, f.run, f.agent)
	}); err != nil {
		t.Fatal(err)
	}
}

// nextEvent waits for River to report the outcome of an attempt.
func (f *fixture) nextEvent(t *testing.T) *river.Event {
	t.Helper()
	select {
	case ev := <-f.events:
		return ev
	case <-time.After(60 * time.Second):
		t.Fatal("no job event within 60 s")
	}
	panic("unreachable")
}

// deliveries lists the recorded attempts, oldest first.
func (f *fixture) deliveries(t *testing.T) []store.WebhookDelivery {
	t.Helper()
	ds, err := f.st.ListDeliveries(f.ctx, f.tenant, f.project.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ds)-1; i < j; i, j = i+1, j-1 {
		ds[i], ds[j] = ds[j], ds[i]
	}
	return ds
}
