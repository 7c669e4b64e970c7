package web_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/m365/m365test"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/server/ratelimit"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/web"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const password = "correct horse battery"

// fakeScheduler stands in for package jobs: Enqueue hands the queued agents
// to the test (after the run's transaction commits), which then plays the
// worker's part through the store and events.
type fakeScheduler struct {
	st       *store.Store
	pool     interface{ events.Execer }
	mu       sync.Mutex
	enqueued [][]store.Agent
	runs     chan []store.Agent
}

func (f *fakeScheduler) Enqueue(ctx context.Context, tx pgx.Tx, run *store.Run, agents []store.Agent) error {
	f.mu.Lock()
	f.enqueued = append(f.enqueued, agents)
	f.mu.Unlock()
	// The test takes them after the UI's redirect, when the run's
	// transaction has committed.
	select {
	case f.runs <- agents:
	default:
	}
	return nil
}

// EnqueueDiscovery queues nothing: the test plays the discovery worker
// through the store.
func (f *fakeScheduler) EnqueueDiscovery(ctx context.Context, tx pgx.Tx, d *store.Discovery) error {
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

func (f *fakeScheduler) CancelAgent(ctx context.Context, tenant, agent uuid.UUID) error {
	a, err := f.st.CancelAgent(ctx, tenant, agent, "cancelled")
	if err != nil {
		return err
	}
	_ = events.Publish(ctx, f.pool, events.Event{Kind: events.KindAgent, Tenant: tenant, Run: a.RunID, Agent: a.ID})
	if _, err := f.st.RefreshRunStatus(ctx, tenant, a.RunID); err != nil {
		return err
	}
	return events.Publish(ctx, f.pool, events.Event{Kind: events.KindRun, Tenant: tenant, Run: a.RunID})
}

func (f *fakeScheduler) enqueueCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.enqueued)
}

type env struct {
	t      testing.TB
	ctx    context.Context
	st     *store.Store
	sched  *fakeScheduler
	blobs  storage.Blobs
	srv    *httptest.Server
	h      http.Handler
	hub    *events.Hub
	ui     *web.UI
	app    *app.App
	url    string
	tenant *store.Tenant
	admin  *store.User
	member *store.User
	mails  *mailbox
	// redelivered receives the delivery ids Config.Redeliver was called with.
	redelivered chan uuid.UUID
}

type mailbox struct {
	mu   sync.Mutex
	sent []string
}

func (m *mailbox) Send(_ context.Context, mail app.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, mail.Body)
	return nil
}

func (m *mailbox) last() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) == 0 {
		return ""
	}
	return m.sent[len(m.sent)-1]
}

// testResolver keeps name lookups off the network: the test domains
// resolve to a public documentation address, metadata.example.com to the
// cloud metadata service.
var testResolver = netpolicy.StaticResolver{
	"metadata.example.com": {netip.MustParseAddr("169.254.169.254")},
	"*.example.com":        {netip.MustParseAddr("93.184.215.14")},
	"*.test":               {netip.MustParseAddr("93.184.215.14")},
	"*.example":            {netip.MustParseAddr("93.184.215.14")},
}

type envOptions struct {
	mailer bool
	// publicURL overrides the server's own URL (e.g. an https one behind
	// a proxy).
	publicURL string
	// redeliver wires Config.Redeliver to record the ids it is given.
	redeliver bool
	// m365 points the app's Microsoft 365 connections at this fake and
	// registers the server's callback with it.
	m365 *m365test.Fake
}

func newEnv(t testing.TB, opts envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	kr, err := seal.NewKeyring("k1", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	pool := pgtest.Migrated(t)
	st, err := store.New(ctx, pool, store.Config{Keyring: kr, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	hub := events.NewHub(pool, log)
	ready := make(chan struct{})
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); _ = hub.Run(ctx, ready) }()
	t.Cleanup(func() { cancel(); <-hubDone })
	<-ready
	blobs, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, st: st, blobs: blobs, hub: hub, sched: &fakeScheduler{st: st, pool: pool, runs: make(chan []store.Agent, 16)}, mails: &mailbox{}}

	var h http.Handler
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.url = e.srv.URL
	cfg := app.Config{Store: st, Scheduler: e.sched, Blobs: blobs, Hub: hub, PublicURL: e.url, Logger: log,
		TargetPolicy: netpolicy.Policy{Resolver: testResolver}}
	if opts.publicURL != "" {
		cfg.PublicURL = opts.publicURL
	}
	if opts.mailer {
		cfg.Mailer = e.mails
	}
	if f := opts.m365; f != nil {
		cfg.M365 = m365.Config{Authority: f.Srv.URL, GraphURL: f.Srv.URL + "/v1.0", HTTPClient: f.Srv.Client()}
		f.Redirect = cfg.PublicURL + app.M365CallbackPath
	}
	if opts.redeliver {
		e.redelivered = make(chan uuid.UUID, 4)
		cfg.Redeliver = func(_ context.Context, _, delivery uuid.UUID) error {
			e.redelivered <- delivery
			return nil
		}
	}
	if e.app, err = app.New(cfg); err != nil {
		t.Fatal(err)
	}
	ui, err := web.New(web.Config{App: e.app, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	// The UI as it is deployed: behind the API server, which sets the
	// headers every response carries (the rate limits, which have their
	// own tests, off: every page and asset comes from 127.0.0.1).
	srv, err := server.New(server.Config{App: e.app, Fallback: ui.Handler(), Logger: log,
		RateLimit: ratelimit.Config{Rate: -1, MaxConcurrent: -1}})
	if err != nil {
		t.Fatal(err)
	}
	h = srv.Handler()
	e.h, e.ui = h, ui

	if e.tenant, err = st.CreateTenant(ctx, "Acme QA", ""); err != nil {
		t.Fatal(err)
	}
	e.admin = e.user("ada@example.com", "Ada Admin", store.RoleAdmin)
	e.member = e.user("max@example.com", "Max Member", store.RoleMember)
	return e
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (e *env) user(email, name string, role store.Role) *store.User {
	e.t.Helper()
	u, err := e.st.CreateUser(e.ctx, email, name, password)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.AddMember(e.ctx, e.tenant.ID, u.ID, role); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a cookie-keeping HTTP client that does not follow redirects,
// so tests see where the UI sends them.
type client struct {
	e *env
	c *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *env) login(email string) *client {
	e.t.Helper()
	c := e.client()
	res := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", email, res.StatusCode)
	}
	return c
}

// otherTenantAdmin makes the tenant Other and its admin Eve, and signs
// her in: someone who must find none of e.tenant's rows.
func (e *env) otherTenantAdmin() *client {
	e.t.Helper()
	other, err := e.st.CreateTenant(e.ctx, "Other", "")
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.st.CreateUser(e.ctx, "eve@example.com", "Eve", password)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.AddMember(e.ctx, other.ID, u.ID, store.RoleAdmin); err != nil {
		e.t.Fatal(err)
	}
	return e.login("eve@example.com")
}

type response struct {
	*http.Response
	Body string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res, string(b)}
}

func (c *client) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.url+path, nil)
	return c.do(req)
}

// post sends a form as the browser would from the UI's own page.
func (c *client) post(path string, form url.Values, header ...string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.e.url)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

func (c *client) cookie() *http.Cookie {
	u, _ := url.Parse(c.e.url)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == web.SessionCookie {
			return ck
		}
	}
	return nil
}

// worker plays package jobs' part for one agent: start, one step with a
// screenshot, progress, verdict — publishing the events a real worker does.
type worker struct {
	e      *env
	pub    events.Execer
	tenant uuid.UUID
	agent  store.Agent
}

func (e *env) worker(a store.Agent) *worker {
	return &worker{e: e, pub: e.sched.pool, tenant: a.TenantID, agent: a}
}

func (w *worker) publish(kind events.Kind, index int) {
	w.e.t.Helper()
	ev := events.Event{Kind: kind, Tenant: w.tenant, Run: w.agent.RunID, Index: index}
	if kind != events.KindRun {
		ev.Agent = w.agent.ID
	}
	if err := events.Publish(w.e.ctx, w.pub, ev); err != nil {
		w.e.t.Fatal(err)
	}
}

func (w *worker) start() {
	w.e.t.Helper()
	if _, err := w.e.st.StartAgent(w.e.ctx, w.tenant, w.agent.ID, 1, nil, "scripted"); err != nil {
		w.e.t.Fatal(err)
	}
	w.publish(events.KindAgent, 0)
	w.refreshRun()
}

func (w *worker) refreshRun() {
	w.e.t.Helper()
	if _, err := w.e.st.RefreshRunStatus(w.e.ctx, w.tenant, w.agent.RunID); err != nil {
		w.e.t.Fatal(err)
	}
	w.publish(events.KindRun, 0)
}

func (w *worker) step(index int, thought, action, outcome string, png []byte) {
	w.e.t.Helper()
	st := store.Step{AgentID: w.agent.ID, Attempt: 1, Index: index, Thought: thought, Action: action,
		Args: map[string]any{"index": 3}, Outcome: outcome, URL: "http://app.test/cart", ObserveMS: 12, ModelMS: 840, ActMS: 55,
		InputTokens: 1200, OutputTokens: 80}
	if png != nil {
		st.ScreenshotKey = storage.ScreenshotKey(w.tenant.String(), w.agent.ID.String(), 1, index)
		if err := w.e.blobs.Put(w.e.ctx, st.ScreenshotKey, png, "image/png"); err != nil {
			w.e.t.Fatal(err)
		}
	}
	if _, err := w.e.st.AppendStep(w.e.ctx, w.tenant, st); err != nil {
		w.e.t.Fatal(err)
	}
	if err := w.e.st.UpdateAgentProgress(w.e.ctx, w.tenant, w.agent.ID, store.AgentProgress{Iterations: index, InputTokens: int64(1200 * index), OutputTokens: int64(80 * index)}); err != nil {
		w.e.t.Fatal(err)
	}
	w.publish(events.KindStep, index)
	w.publish(events.KindAgent, 0)
}

func (w *worker) finish(status store.Status, summary, reason string) {
	w.e.t.Helper()
	if _, err := w.e.st.FinishAgent(w.e.ctx, w.tenant, w.agent.ID, store.AgentResult{Status: status, Summary: summary, ErrorReason: reason,
		AgentProgress: store.AgentProgress{Iterations: 2, InputTokens: 2400, OutputTokens: 160}}); err != nil {
		w.e.t.Fatal(err)
	}
	w.publish(events.KindAgent, 0)
	w.refreshRun()
}

// seedProject makes a project with one test, through the store.
func (e *env) seedProject(name, testName string) (*store.Project, *store.Test) {
	e.t.Helper()
	p, err := e.st.CreateProject(e.ctx, e.tenant.ID, store.ProjectInput{Name: name, BaseURL: "http://app.test"})
	if err != nil {
		e.t.Fatal(err)
	}
	tt, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: testName, StartURL: "/", Goal: "Buy the cheapest item", Tags: []string{"smoke"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p, tt
}

// seedRun starts a run of tests directly through the store with the fake
// scheduler, and returns its agents.
func (e *env) seedRun(p *store.Project, tests ...uuid.UUID) (*store.Run, []store.Agent) {
	e.t.Helper()
	run, agents, _, err := e.st.CreateRun(e.ctx, e.tenant.ID, store.RunInput{ProjectID: p.ID, Trigger: store.TriggerAPI, TestIDs: tests}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return run, agents
}
