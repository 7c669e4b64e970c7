package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	demoapp "github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// The harness the end-to-end tests of `argus serve` share: the operator's
// first steps with `argus admin`, the REST API with an API key, the
// server's log, the test's own view of the database, and the agents'
// ends as the server's River client reports them.

// acmeAdmin makes the tenant Acme and an admin API key for it with
// `argus admin`, as an operator starts, and returns the tenant's id and
// the key.
func acmeAdmin(t *testing.T, vars map[string]string) (uuid.UUID, string) {
	t.Helper()
	r := argus(t, vars, "", "admin", "create-tenant", "--name", "Acme")
	_, idText, _ := strings.Cut(strings.TrimSpace(r.stdout), ", id ")
	tenant, err := uuid.Parse(strings.TrimSuffix(idText, ")"))
	if r.code != 0 || err != nil {
		t.Fatalf("create-tenant: %+v (%v)", r, err)
	}
	r = argus(t, vars, "", "admin", "create-key", "--tenant", "acme", "--name", "ci", "--role", "admin")
	if r.code != 0 {
		t.Fatalf("create-key: %+v", r)
	}
	// The key alone on stdout.
	return tenant, strings.TrimSpace(r.stdout)
}

// e2eStore opens the database a server uses, with its master key, for
// what the API does not offer and for checks.
func e2eStore(t *testing.T, dbURL string, masterKey []byte) (*pgxpool.Pool, *store.Store) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	kr, _ := seal.NewKeyring("k1", masterKey, nil)
	st, err := store.New(context.Background(), pool, store.Config{Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	return pool, st
}

// agentEnds hands the test a signal for each agent job the server's worker
// completes or fails, subscribed before the worker starts; start the
// server after it.
func agentEnds(t *testing.T) <-chan struct{} {
	done := make(chan struct{}, 4)
	testHookJobs = func(j *jobs.Jobs) {
		if j.Config().Browser == nil {
			return // insert-only: River allows no subscription
		}
		events, _ := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		go func() {
			for ev := range events {
				if ev.Job.Kind == (jobs.AgentArgs{}).Kind() {
					done <- struct{}{}
				}
			}
		}()
	}
	t.Cleanup(func() { testHookJobs = nil })
	return done
}

// awaitAgents waits for n agents to end, 5 minutes at the most for each.
func awaitAgents(t *testing.T, ends <-chan struct{}, n int) {
	t.Helper()
	for range n {
		select {
		case <-ends:
		case <-time.After(5 * time.Minute):
			t.Fatalf("the agents did not finish within 5 minutes")
		}
	}
}

// e2eAPI calls the REST API with an API key.
type e2eAPI struct {
	t         *testing.T
	base, key string
}

type e2eResponse struct {
	t      *testing.T
	status int
	body   []byte
}

func (r e2eResponse) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (a *e2eAPI) do(method, path string, body any) e2eResponse {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return e2eResponse{t: a.t, status: resp.StatusCode, body: b}
}

// createProject makes a project, which must succeed, and returns its id.
func (a *e2eAPI) createProject(name, baseURL string) uuid.UUID {
	a.t.Helper()
	res := a.do("POST", "/api/v1/projects", map[string]any{"name": name, "base_url": baseURL})
	var project struct {
		ID uuid.UUID `json:"id"`
	}
	if res.status != http.StatusCreated {
		a.t.Fatalf("create project: %d %s", res.status, res.body)
	}
	res.decode(&project)
	return project.ID
}

// e2eBuffer collects the server's log from its goroutines.
type e2eBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *e2eBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *e2eBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// demoShopOnServer starts the demo shop and `argus serve --with-worker`
// and makes, over the API, the project Shop for the shop with its
// demo_password secret. It returns the API, whose base is the server's
// URL, and the project's id.
func demoShopOnServer(t *testing.T) (*e2eAPI, uuid.UUID) {
	t.Helper()
	requireBrowser(t)
	base := startDemoApp(t)
	vars := serveVars(t)
	_, key := acmeAdmin(t, vars)
	url, _ := startServe(t, vars, "--with-worker")
	api := &e2eAPI{t: t, base: url, key: key}
	project := api.createProject("Shop", base)
	if res := api.do("PUT", "/api/v1/projects/"+project.String()+"/secrets/demo_password", map[string]any{"value": demoapp.DemoPassword}); res.status != http.StatusNoContent {
		t.Fatalf("put secret: %d %s", res.status, res.body)
	}
	return api, project
}
