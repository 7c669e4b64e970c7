package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

func TestWorkerSettings(t *testing.T) {
	r := argus(t, nil, "", "worker")
	if r.code != exitUsage || !strings.Contains(r.stderr, "DATABASE_URL") {
		t.Fatalf("no database: %+v", r)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	vars := map[string]string{
		"DATABASE_URL": "postgres://x@127.0.0.1:1/x", "ARGUS_SECRET_KEY": base64.StdEncoding.EncodeToString(key),
		"ARGUS_JOB_TIMEOUT": "1h", "ARGUS_RESCUE_AFTER": "30m",
	}
	if r := argus(t, vars, "", "worker"); r.code != exitUsage || !strings.Contains(r.stderr, "ARGUS_RESCUE_AFTER") {
		t.Fatalf("rescue before the job timeout: %+v", r)
	}
	delete(vars, "ARGUS_JOB_TIMEOUT")
	delete(vars, "ARGUS_RESCUE_AFTER")
	if r := argus(t, vars, "", "worker", "extra"); r.code != exitUsage || !strings.Contains(r.stderr, "no arguments") {
		t.Fatalf("extra argument: %+v", r)
	}
	vars["ARGUS_MAIL_LISTEN"] = "no-port"
	if r := argus(t, vars, "", "worker"); r.code != exitUsage || !strings.Contains(r.stderr, "ARGUS_MAIL_LISTEN") {
		t.Fatalf("malformed mail address: %+v", r)
	}
}

// TestWorkerRunsTheMailReceiver: argus worker with ARGUS_MAIL_LISTEN takes
// mail for a project's mailbox into the database, and refuses, at RCPT TO,
// mail for a domain that is not its own; an address already in use stops
// it with exit code 2 naming the setting.
func TestWorkerRunsTheMailReceiver(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.MigratedURL(t)
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	_, st := e2eStore(t, dbURL, key)
	tenant, _ := st.CreateTenant(ctx, "Acme", "")
	project, err := st.CreateProject(ctx, tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "http://127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	label, err := st.ProjectMailLabel(ctx, tenant.ID, project.ID)
	if err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	vars := map[string]string{"DATABASE_URL": dbURL, "ARGUS_SECRET_KEY": base64.StdEncoding.EncodeToString(key), "ARGUS_BLOB_DIR": t.TempDir(),
		"ARGUS_BROWSER": "grid", "ARGUS_GRID_URL": "http://127.0.0.2:4444", "ARGUS_LOG_LEVEL": "warn", "ARGUS_MAIL_LISTEN": busy.Addr().String()}
	if r := argus(t, vars, "", "worker"); r.code != exitUsage || !strings.Contains(r.stderr, "ARGUS_MAIL_LISTEN") {
		t.Fatalf("address in use: %+v", r)
	}

	vars["ARGUS_MAIL_LISTEN"] = "127.0.0.1:0"
	var stderr strings.Builder
	found := make(chan string, 1)
	out := &watchWriter{w: &syncWriter{w: &stderr}, re: regexp.MustCompile(`test mailbox: SMTP on (\S+) `), found: found}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: out, getenv: func(k string) string { return vars[k] }}
	workerCtx, stop := context.WithCancel(ctx)
	defer stop()
	code := make(chan int, 1)
	go func() { code <- run(workerCtx, []string{"worker"}, e) }()
	var addr string
	select {
	case addr = <-found:
	case c := <-code:
		t.Fatalf("argus worker exited with %d: %s", c, syncString(out.w))
	}
	to := "signup-abcde@" + label + ".mail.argus.test"
	msg := "From: shop@example.com\r\nTo: " + to + "\r\nSubject: Welcome\r\n\r\nYour code: 482913\r\n"
	if err := smtp.SendMail(addr, nil, "shop@example.com", []string{to}, []byte(msg)); err != nil {
		t.Fatalf("send to the project's mailbox: %v", err)
	}
	if err := smtp.SendMail(addr, nil, "shop@example.com", []string{"someone@example.com"}, []byte(msg)); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("relaying to another domain: %v", err)
	}
	got, err := st.ListMail(ctx, tenant.ID, project.ID, 10)
	if err != nil || len(got) != 1 || got[0].Subject != "Welcome" || got[0].Codes[0] != "482913" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	stop()
	if c := <-code; c != exitOK {
		t.Fatalf("argus worker exited %d: %s", c, syncString(out.w))
	}
}

// watchWriter passes writes on and sends the first submatch of re in
// what was written, once.
type watchWriter struct {
	mu    sync.Mutex
	w     io.Writer
	re    *regexp.Regexp
	buf   strings.Builder
	found chan string
	sent  bool
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := w.re.FindStringSubmatch(w.buf.String()); m != nil && !w.sent {
		w.sent = true
		w.found <- m[1]
	}
	return w.w.Write(p)
}

// TestWorkerRunsAgentsAndStopsGracefully runs `argus worker` against a
// database with a run of two tests: the quick one passes, with its
// screenshots in ARGUS_BLOB_DIR; the slow one is still running when the
// worker is told to stop, and goes back to the queue (its River job
// available again, its row still running) while the worker exits 0.
func TestWorkerRunsAgentsAndStopsGracefully(t *testing.T) {
	browsertest.ChromiumPath(t)
	ctx := context.Background()
	slowLoaded := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, title string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1></body></html>`, title, title)
	}
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) { page(w, "Shop") })
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, _ *http.Request) {
		once.Do(func() { close(slowLoaded) })
		page(w, "Slow")
	})
	app := httptest.NewServer(mux)
	defer app.Close()

	dbURL := pgtest.MigratedURL(t)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	kr, _ := seal.NewKeyring("k1", key, nil)
	st, err := store.New(ctx, pool, store.Config{Keyring: kr, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := st.CreateTenant(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	project, err := st.CreateProject(ctx, tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: app.URL})
	if err != nil {
		t.Fatal(err)
	}
	quick, err := st.CreateTest(ctx, tenant.ID, project.ID, store.TestInput{Name: "Quick", StartURL: "/", Steps: []string{`expect title "Shop"`}})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := st.CreateTest(ctx, tenant.ID, project.ID, store.TestInput{Name: "Slow", StartURL: "/slow", Steps: []string{`wait for "Never shown" within 60s`}})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := jobs.New(jobs.Config{Pool: pool, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	runRow, agents, _, err := st.CreateRun(ctx, tenant.ID, store.RunInput{ProjectID: project.ID, TestIDs: []uuid.UUID{quick.ID, slow.ID}}, sched.Enqueue)
	if err != nil {
		t.Fatal(err)
	}
	hub := events.NewHub(pool, nil)
	hubCtx, stopHub := context.WithCancel(ctx)
	defer stopHub()
	ready := make(chan struct{})
	go func() { _ = hub.Run(hubCtx, ready) }()
	<-ready
	sub := hub.Subscribe(tenant.ID, runRow.ID, agents[0].ID)
	defer sub.Close()

	blobDir := t.TempDir()
	vars := map[string]string{
		"DATABASE_URL": dbURL, "ARGUS_SECRET_KEY": base64.StdEncoding.EncodeToString(key),
		"ARGUS_BLOB_DIR": blobDir, "ARGUS_MAX_AGENTS": "2", "ARGUS_LOG_LEVEL": "warn",
		"ARGUS_METRICS_LISTEN": "127.0.0.1:0",
		// The application under test listens on this machine's loopback.
		"ARGUS_TARGET_ALLOW_CIDRS": "127.0.0.1/32",
	}
	var stderr strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: &stderr, stderr: &syncWriter{w: &stderr}, getenv: func(k string) string { return vars[k] }}
	workerCtx, stop := context.WithCancel(ctx)
	defer stop()
	code := make(chan int, 1)
	go func() { code <- run(workerCtx, []string{"worker"}, e) }()

	quickDone := make(chan struct{})
	go func() {
		for range sub.C {
			if a, err := st.GetAgent(ctx, tenant.ID, agents[0].ID); err == nil && a.Status.Final() {
				close(quickDone)
				return
			}
		}
	}()
	for what, ch := range map[string]chan struct{}{"the quick agent to finish": quickDone, "the slow agent to start": slowLoaded} {
		select {
		case <-ch:
		case c := <-code:
			t.Fatalf("argus worker exited with %d while waiting for %s", c, what)
		case <-time.After(90 * time.Second):
			t.Fatalf("waited too long for %s", what)
		}
	}
	if a, _ := st.GetAgent(ctx, tenant.ID, agents[0].ID); a.Status != store.StatusPassed {
		t.Fatalf("quick agent: %+v", a)
	}
	// The worker's own /metrics: the quick agent's steps are counted. (The
	// gauge of running agents is present; its value races with the slow
	// agent's start.)
	m := regexp.MustCompile(`worker metrics on (http://\S+)`).FindStringSubmatch(syncString(e.stderr))
	if m == nil {
		t.Fatalf("the worker did not say where its metrics are: %s", syncString(e.stderr))
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"argus_step_duration_seconds_count", "argus_worker_agents_active "} {
		if !strings.Contains(string(body), want) {
			t.Errorf("worker /metrics lacks %q", want)
		}
	}
	var shots int
	_ = filepath.WalkDir(filepath.Join(blobDir, filepath.FromSlash(storage.AgentPrefix(tenant.ID.String(), agents[0].ID.String()))), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(d.Name(), ".png") {
			shots++
		}
		return nil
	})
	if steps, _ := st.ListSteps(ctx, tenant.ID, agents[0].ID); shots == 0 || shots != len(steps) {
		t.Fatalf("%d screenshots of the quick agent's %d steps in %s", shots, len(steps), blobDir)
	}

	stopped := time.Now()
	stop() // as SIGTERM does
	select {
	case c := <-code:
		if c != exitOK {
			t.Fatalf("argus worker exited with %d: %s", c, stderr.String())
		}
	case <-time.After(45 * time.Second):
		t.Fatal("argus worker did not stop within 45 s")
	}
	t.Logf("stop → worker exited: %v", time.Since(stopped).Round(time.Millisecond))
	var state string
	if err := pool.QueryRow(ctx, `SELECT state FROM river_job WHERE args->>'agent_id' = $1`, agents[1].ID.String()).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != "available" {
		t.Fatalf("the slow agent's job is %s, want available (handed back)", state)
	}
	if a, _ := st.GetAgent(ctx, tenant.ID, agents[1].ID); a.Status != store.StatusRunning {
		t.Fatalf("slow agent after the stop: %+v", a)
	}
}

func syncString(w io.Writer) string {
	s := w.(*syncWriter)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
