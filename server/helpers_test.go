package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/server/ratelimit"
	"github.com/argusqa/argus/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fakeScheduler records what the server asks of the job system.
type fakeScheduler struct {
	mu        sync.Mutex
	enqueued  []uuid.UUID // agent ids
	cancelled []uuid.UUID
	discovery []uuid.UUID // discovery ids
	// st plays the job system's part in cancelling a discovery.
	st *store.Store
}

func (f *fakeScheduler) EnqueueDiscovery(ctx context.Context, tx pgx.Tx, d *store.Discovery) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM discoveries WHERE id = $1`, d.ID).Scan(&n); err != nil || n != 1 {
		return io.ErrUnexpectedEOF
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.discovery = append(f.discovery, d.ID)
	return nil
}

func (f *fakeScheduler) Enqueue(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error {
	// Prove the callback runs inside CreateRun's transaction: the run is
	// visible through tx.
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM runs WHERE id = $1`, run.ID).Scan(&n); err != nil || n != 1 {
		return io.ErrUnexpectedEOF
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range agents {
		f.enqueued = append(f.enqueued, a.ID)
	}
	return nil
}

// CancelDiscovery marks the row, as jobs.CancelDiscovery does before it
// cancels the job.
func (f *fakeScheduler) CancelDiscovery(ctx context.Context, tenant, id uuid.UUID) (*store.Discovery, error) {
	d, err := f.st.CancelDiscovery(ctx, tenant, id, "cancelled by request")
	if errors.Is(err, store.ErrNotFound) {
		return f.st.GetDiscovery(ctx, tenant, id)
	}
	return d, err
}

func (f *fakeScheduler) CancelAgent(_ context.Context, _, agent uuid.UUID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancelled = append(f.cancelled, agent)
	return nil
}

func (f *fakeScheduler) counts() (enqueued, cancelled int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.enqueued), len(f.cancelled)
}

// captureMailer keeps mail for the test to read.
type captureMailer struct {
	mu   sync.Mutex
	sent []app.Mail
	c    chan app.Mail
}

func (m *captureMailer) Send(_ context.Context, mail app.Mail) error {
	m.mu.Lock()
	m.sent = append(m.sent, mail)
	m.mu.Unlock()
	select {
	case m.c <- mail:
	default:
	}
	return nil
}

func (m *captureMailer) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

// env is one server on a loopback listener with its database.
type env struct {
	t     testing.TB
	store *store.Store
	app   *app.App
	srv   *server.Server
	sched *fakeScheduler
	mail  *captureMailer
	blobs *storage.Local
	url   string
	http  *http.Client
}

// envConfig is what a test may change before the server starts.
type envConfig struct {
	App    app.Config
	Server server.Config
}

// testResolver keeps name lookups of the tests off the network:
// example.com names resolve to a public documentation address, and
// metadata.example.com to the cloud metadata service.
var testResolver = netpolicy.StaticResolver{
	"metadata.example.com": {netip.MustParseAddr("169.254.169.254")},
	"*.example.com":        {netip.MustParseAddr("93.184.215.14")},
	"localhost":            {netip.MustParseAddr("127.0.0.1")},
}

func newEnv(t testing.TB, tweak func(*envConfig)) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pool := pgtest.Migrated(t)
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	kr, err := seal.NewKeyring("k1", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.New(ctx, pool, store.Config{Keyring: kr, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	hub := events.NewHub(pool, nil)
	ready := make(chan struct{})
	hubDone := make(chan struct{})
	go func() { _ = hub.Run(ctx, ready); close(hubDone) }()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("event hub did not start")
	}
	blobs, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, sched: &fakeScheduler{st: st}, mail: &captureMailer{c: make(chan app.Mail, 16)}, blobs: blobs}
	cfg := envConfig{App: app.Config{Store: st, Scheduler: e.sched, Hub: hub, Blobs: blobs, Mailer: e.mail, APIKeyCacheTTL: -1,
		TargetPolicy: netpolicy.Policy{Resolver: testResolver}},
		// Every test talks from 127.0.0.1; the limits have their own tests.
		Server: server.Config{RateLimit: ratelimit.Config{Rate: -1, MaxConcurrent: -1}}}
	if tweak != nil {
		tweak(&cfg)
	}
	if e.app, err = app.New(cfg.App); err != nil {
		t.Fatal(err)
	}
	cfg.Server.App = e.app
	e.srv, err = server.New(cfg.Server)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()
	e.url = "http://" + ln.Addr().String()
	e.http = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}
	t.Cleanup(func() {
		cancel()
		<-served
		<-hubDone
	})
	return e
}

// tenantWorld is one tenant with one of everything.
type tenantWorld struct {
	tenant       *store.Tenant
	admin        *store.User
	member       *store.User
	password     string
	adminKey     *store.APIKey
	memberKey    *store.APIKey
	expiredKey   *store.APIKey
	revokedKey   *store.APIKey
	adminCookie  string
	memberCookie string
	project      *store.Project
	test         *store.Test
	run          *store.Run
	agent        store.Agent
	delivery     *store.WebhookDelivery
	schedule     *store.Schedule
	mail         *mail.Message
	plan         *store.Plan
	discovery    *store.Discovery
}

func (e *env) world(name string) *tenantWorld {
	t := e.t
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &tenantWorld{password: "correct horse " + name}
	var err error
	w.tenant, err = e.store.CreateTenant(ctx, "Tenant "+name, name)
	must(err)
	w.admin, err = e.store.CreateUser(ctx, name+"-admin@example.com", "Admin "+name, w.password)
	must(err)
	must(e.store.AddMember(ctx, w.tenant.ID, w.admin.ID, store.RoleAdmin))
	w.member, err = e.store.CreateUser(ctx, name+"-member@example.com", "Member "+name, w.password)
	must(err)
	must(e.store.AddMember(ctx, w.tenant.ID, w.member.ID, store.RoleMember))
	w.adminKey, err = e.store.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "ci-admin", Role: store.RoleAdmin})
	must(err)
	w.memberKey, err = e.store.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "ci"})
	must(err)
	later := time.Now().Add(time.Hour)
	w.expiredKey, err = e.store.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "old", Role: store.RoleAdmin, ExpiresAt: &later})
	must(err)
	// The store refuses a past expiry at creation; age the key instead.
	_, err = e.store.Pool().Exec(ctx, `UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE id = $1`, w.expiredKey.ID)
	must(err)
	w.revokedKey, err = e.store.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "leaked", Role: store.RoleAdmin})
	must(err)
	must(e.store.RevokeAPIKey(ctx, w.tenant.ID, w.revokedKey.ID))
	sess, err := e.store.CreateSession(ctx, w.admin.ID, w.tenant.ID)
	must(err)
	w.adminCookie = sess.Token
	sess, err = e.store.CreateSession(ctx, w.member.ID, w.tenant.ID)
	must(err)
	w.memberCookie = sess.Token
	w.project, err = e.store.CreateProject(ctx, w.tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "https://shop.example.com"})
	must(err)
	_, err = e.store.PutSecret(ctx, w.tenant.ID, w.project.ID, "password", "hunter2-"+name)
	must(err)
	w.test, err = e.store.CreateTest(ctx, w.tenant.ID, w.project.ID, store.TestInput{Name: "Checkout", Goal: "buy a thing", Tags: []string{"smoke"}})
	must(err)
	var agents []store.Agent
	w.run, agents, _, err = e.store.CreateRun(ctx, w.tenant.ID, store.RunInput{ProjectID: w.project.ID, TestIDs: []uuid.UUID{w.test.ID}}, nil)
	must(err)
	w.agent = agents[0]
	code := 200
	w.delivery, err = e.store.RecordDelivery(ctx, w.tenant.ID, store.WebhookDelivery{ProjectID: w.project.ID, EventID: "msg_" + name,
		EventType: "agent.completed", URL: "https://hooks.example.com/" + name, Payload: []byte(`{"ok":true}`), Attempt: 1, StatusCode: &code})
	must(err)
	shot := storage.ScreenshotKey(w.tenant.ID.String(), w.agent.ID.String(), 1, 0)
	must(e.blobs.Put(ctx, shot, pngBytes, "image/png"))
	_, err = e.store.AppendStep(ctx, w.tenant.ID, store.Step{AgentID: w.agent.ID, Attempt: 1, Index: 0, Action: "navigate", Outcome: "opened /", ScreenshotKey: shot})
	must(err)
	w.plan, err = e.store.PutPlan(ctx, w.tenant.ID, w.project.ID, "Checkout flow", []plan.Node{{Name: w.test.Name}})
	must(err)
	w.schedule, err = e.store.CreateSchedule(ctx, w.tenant.ID, w.project.ID, store.ScheduleInput{Name: "Nightly", Cron: "0 3 * * *"})
	must(err)
	w.discovery, err = e.store.CreateDiscovery(ctx, w.tenant.ID, w.project.ID, store.DiscoveryInput{MaxPages: 10}, nil)
	must(err)
	w.discovery, err = e.store.FinishDiscovery(ctx, w.tenant.ID, w.discovery.ID, store.DiscoveryResult{Pages: 1, SuggestedCount: 1,
		AppMap: []byte(`{"pages":[{"path":"/` + name + `-page"}]}`), SuggestedYAML: "name: Home of " + name + "\nurl: /\nsteps:\n  - expect text \"Home\"\n"})
	must(err)
	w.mail = &mail.Message{To: "signup-abcde@shop.mail.argus.test", From: "shop@example.com", Subject: "Confirm " + name,
		Received: time.Now(), Preview: "Your code: 4711" + name, Text: "Your code: 4711" + name, Codes: []string{"4711"}}
	must(e.store.DeliverMail(ctx, w.tenant.ID, w.project.ID, 10, w.mail))
	_, err = e.store.PutIntegration(ctx, w.tenant.ID, store.IntegrationInput{ProjectID: &w.project.ID, Kind: store.IntegrationM365,
		Config: m365.Settings{Mode: m365.ModeDelegated, TenantID: name + ".onmicrosoft.com", ClientID: "app-" + name, Mailbox: "qa@" + name + ".example"}.Map(),
		Token:  m365.Credentials{ClientSecret: "m365-secret-" + name}.Seal()})
	must(err)
	return w
}

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// cred is how a request authenticates.
type cred struct {
	bearer string
	cookie string
}

func key(k *store.APIKey) cred { return cred{bearer: k.Plaintext} }
func cookie(v string) cred     { return cred{cookie: v} }

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v: %s", r.status, err, r.body)
	}
}

func (e *env) do(method, path string, c cred, body any, hdr ...string) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: app.SessionCookie, Value: c.cookie})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

// isProblem reports whether r is an RFC 9457 problem with its own status.
func isProblem(r *response) bool {
	var p server.Problem
	return strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") &&
		json.Unmarshal(r.body, &p) == nil && p.Status == r.status && p.Title != ""
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
