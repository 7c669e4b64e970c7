package server_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	demoapp "github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/discovery"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/jobs"
)

// TestDiscoveryOfTheDemoApp is the end-to-end check on the
// server: a discovery of the demo app, signed in as the project's demo
// persona, runs as a River job in real Chromium and answers every page
// and form; its suggested tests, accepted through the API, pass when the
// worker runs them without a model. Bad input is refused with 4xx.
func TestDiscoveryOfTheDemoApp(t *testing.T) {
	browsertest.ChromiumPath(t)
	ctx := t.Context()
	shop, err := demoapp.Start(ctx, demoapp.ServerConfig{App: demoapp.Config{BcryptCost: 4}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shop.Shutdown(context.WithoutCancel(ctx)) })
	browsers, err := local.New(local.Config{MaxSessions: discovery.MaxParallel})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	defer func() {
		c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = browsers.Close(c)
	}()
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	var j *jobs.Jobs
	e := newEnv(t, func(c *envConfig) {
		st := c.App.Store
		var err error
		j, err = jobs.New(jobs.Config{Pool: st.Pool(), Store: st, Blobs: c.App.Blobs, Browser: browsers, MaxAgents: discovery.MaxParallel,
			Agent: agent.Config{ExpectTimeout: 3 * time.Second}, TargetPolicy: &netpolicy.Policy{AllowCIDRs: loopback}})
		if err != nil {
			t.Fatal(err)
		}
		c.App.Scheduler = j
		c.App.TargetPolicy.AllowCIDRs = loopback
	})
	a := e.world("acme")
	ci := key(a.adminKey)
	r := e.do("POST", "/api/v1/projects", ci, map[string]any{"name": "Demo shop", "base_url": shop.URL()})
	var proj struct{ ID string }
	r.json(t, &proj)
	if r.status != 201 {
		t.Fatalf("create project: %d %s", r.status, r.body)
	}
	pp := "/api/v1/projects/" + proj.ID
	if r = e.do("PUT", pp+"/secrets/demo_password", ci, map[string]any{"value": demoapp.DemoPassword}); r.status/100 != 2 {
		t.Fatalf("secret: %d %s", r.status, r.body)
	}
	if r = e.do("PUT", pp+"/personas/demo", ci, map[string]any{"display_name": "Demo", "username": demoapp.DemoEmail, "password_secret": "demo_password"}); r.status/100 != 2 {
		t.Fatalf("persona: %d %s", r.status, r.body)
	}
	for _, bad := range []map[string]any{{"max_pages": 100000}, {"persona": "nobody"}, {"login_path": "login"}} {
		if r = e.do("POST", pp+"/discoveries", ci, bad); r.status != 400 || !isProblem(r) {
			t.Errorf("discovery %v: %d %s, want 400", bad, r.status, r.body)
		}
	}

	done, cancelSub := j.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancelSub()
	defer startJobs(t, j)()
	r = e.do("POST", pp+"/discoveries", key(a.memberKey), map[string]any{"persona": "demo"})
	var started struct{ ID, Status string }
	r.json(t, &started)
	if r.status != 202 || started.Status != "queued" {
		t.Fatalf("start discovery: %d %s", r.status, r.body)
	}
	waitJobs(t, done, "discovery", 1)

	var d struct {
		Status, Error string
		Pages, Forms  int
		Suggested     int             `json:"suggested_tests"`
		AppMap        json.RawMessage `json:"app_map"`
		SuggestedYAML string          `json:"suggested_yaml"`
	}
	e.do("GET", "/api/v1/discoveries/"+started.ID, ci, nil).json(t, &d)
	if d.Status != "done" {
		t.Fatalf("discovery %s: %s", d.Status, d.Error)
	}
	var m discovery.Map
	if err := json.Unmarshal(d.AppMap, &m); err != nil {
		t.Fatal(err)
	}
	var paths []string
	forms := map[string]string{}
	for _, p := range m.Pages {
		paths = append(paths, p.Path)
		for _, f := range p.Forms {
			if f.Kind != "logout" {
				forms[p.Path] = f.Kind
			}
		}
	}
	slices.Sort(paths)
	if want := []string{"/", "/dashboard", "/login", "/orders", "/products", "/profile", "/settings", "/signup"}; !slices.Equal(paths, want) || d.Pages != len(want) {
		t.Errorf("pages %v (%d), want %v", paths, d.Pages, want)
	}
	wantForms := map[string]string{"/login": "sign-in", "/signup": "sign-up", "/products": "search", "/profile": "data", "/settings": "data", "/orders": "data"}
	for path, kind := range wantForms {
		if forms[path] != kind {
			t.Errorf("form on %s: %q, want %s (all: %v)", path, forms[path], kind, forms)
		}
	}
	if strings.Contains(d.SuggestedYAML, demoapp.DemoPassword) || strings.Contains(string(d.AppMap), demoapp.DemoPassword) {
		t.Fatal("the persona's password is in the discovery's result")
	}
	if d.Suggested < 3 {
		t.Fatalf("%d suggested tests:\n%s", d.Suggested, d.SuggestedYAML)
	}
	var list struct{ Items []struct{ ID, Status string } }
	e.do("GET", pp+"/discoveries", ci, nil).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != started.ID {
		t.Errorf("list: %+v", list)
	}

	// Accept the suggestions as they are, then run them.
	r = e.do("POST", "/api/v1/discoveries/"+started.ID+"/accept", key(a.memberKey), map[string]any{})
	var accepted struct {
		Tests []struct{ Name, Change string }
	}
	r.json(t, &accepted)
	if r.status != 200 || len(accepted.Tests) != d.Suggested {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if r = e.do("POST", "/api/v1/discoveries/"+started.ID+"/accept", ci, map[string]any{"yaml": "name: broken\nsteps:\n  - frobnicate\n"}); r.status != 400 {
		t.Errorf("accepting a broken file: %d %s", r.status, r.body)
	}
	var names []string
	for _, tt := range accepted.Tests {
		names = append(names, tt.Name)
	}
	r = e.do("POST", pp+"/runs", ci, map[string]any{"names": names})
	var run runOut
	r.json(t, &run)
	if r.status != 201 || len(run.Agents) != len(names) {
		t.Fatalf("run: %d %s", r.status, r.body)
	}
	waitJobs(t, done, "agent", len(names))
	e.do("GET", "/api/v1/runs/"+run.ID, ci, nil).json(t, &run)
	passed := 0
	for _, ag := range run.Agents {
		if ag.Status == "passed" {
			passed++
		} else {
			t.Errorf("suggested test %q: %s", ag.TestName, ag.Status)
		}
	}
	t.Logf("discovery: %d pages, %d forms (%v), %d suggested tests, %d passed when run", d.Pages, d.Forms, forms, d.Suggested, passed)
	if t.Failed() {
		t.Logf("suggested tests:\n%s", d.SuggestedYAML)
	}
}

// waitJobs waits until n jobs of kind have ended.
func waitJobs(t *testing.T, events <-chan *river.Event, kind string, n int) {
	t.Helper()
	timeout := time.After(15 * time.Minute)
	for n > 0 {
		select {
		case ev := <-events:
			if ev.Job.Kind == kind {
				n--
			}
		case <-timeout:
			t.Fatalf("%d %s jobs still running after 15 minutes", n, kind)
		}
	}
}

// TestCancelDiscoveryAPI: a member cancels a queued discovery (202, the
// discovery as cancelled); cancelling it again answers the same; a
// finished one is 409 problem+json and stays as it was; another tenant
// gets 404 and changes nothing. (The browser work stopping is
// jobs.TestCancelRunningDiscovery's.)
func TestCancelDiscoveryAPI(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.world("acme"), e.world("globex")
	pp := "/api/v1/projects/" + a.project.ID.String()
	r := e.do("POST", pp+"/discoveries", key(a.memberKey), map[string]any{"max_pages": 5})
	var started struct{ ID string }
	r.json(t, &started)
	if r.status != 202 {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	cancel := "/api/v1/discoveries/" + started.ID + "/cancel"
	if r = e.do("POST", cancel, key(b.adminKey), nil); r.status != 404 || !isProblem(r) {
		t.Errorf("another tenant's cancel: %d %s", r.status, r.body)
	}
	var got struct {
		Status, Error string
		FinishedAt    *time.Time `json:"finished_at"`
	}
	e.do("GET", "/api/v1/discoveries/"+started.ID, key(a.memberKey), nil).json(t, &got)
	if got.Status != "queued" {
		t.Fatalf("after another tenant's cancel: %s", got.Status)
	}
	for i := range 2 {
		r = e.do("POST", cancel, key(a.memberKey), nil)
		r.json(t, &got)
		if r.status != 202 || got.Status != "cancelled" || got.Error == "" || got.FinishedAt == nil {
			t.Errorf("cancel %d: %d %s", i+1, r.status, r.body)
		}
	}
	done := "/api/v1/discoveries/" + a.discovery.ID.String()
	if r = e.do("POST", done+"/cancel", key(a.memberKey), nil); r.status != 409 || !isProblem(r) {
		t.Errorf("cancel a finished discovery: %d %s", r.status, r.body)
	}
	e.do("GET", done, key(a.memberKey), nil).json(t, &got)
	if got.Status != "done" {
		t.Errorf("the finished discovery is now %s", got.Status)
	}
}
