package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	demoapp "github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestVideoOnFailure: a project recording on-failure runs two demo tests
// with explicit steps in real Chromium. The demo's broken settings page
// fails and its agent gets a video_url; the API serves a WebM that
// ffprobe reads with a duration, the agent.completed event carries the
// URL, and the tenant export lists it. The passing test keeps no video.
func TestVideoOnFailure(t *testing.T) {
	browsertest.ChromiumPath(t)
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install ffmpeg)", tool)
		}
	}
	demo, err := demoapp.New(demoapp.Config{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	shop := httptest.NewServer(demo)
	defer shop.Close()
	browsers, err := local.New(local.Config{MaxSessions: 1})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = browsers.Close(ctx)
	}()
	finished := make(chan []byte, 4) // agent.completed events as a receiver gets them
	var j *jobs.Jobs
	e := newEnv(t, func(c *envConfig) {
		st := c.App.Store
		var err error
		j, err = jobs.New(jobs.Config{Pool: st.Pool(), Store: st, Blobs: c.App.Blobs, Browser: browsers,
			PublicURL:    "http://localhost:8080",
			TargetPolicy: &netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
			AgentFinished: func(ctx context.Context, _ *river.Client[pgx.Tx], a *store.Agent, run *store.Run) {
				p, err := st.GetProject(ctx, a.TenantID, run.ProjectID)
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := json.Marshal(webhook.NewAgentCompleted("http://localhost:8080", p, run, a))
				finished <- body
			}})
		if err != nil {
			t.Fatal(err)
		}
		c.App.Scheduler = j
		c.App.TargetPolicy.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	a := e.world("acme")
	ci := key(a.adminKey)

	r := e.do("POST", "/api/v1/projects", ci, map[string]any{"name": "Demo shop", "base_url": shop.URL, "video": "on-failure"})
	var proj struct{ ID, Video string }
	r.json(t, &proj)
	if r.status != 201 || proj.Video != "on-failure" {
		t.Fatalf("create project: %d %s", r.status, r.body)
	}
	if r = e.do("PATCH", "/api/v1/projects/"+proj.ID, ci, map[string]any{"video": "sometimes"}); r.status != 400 {
		t.Fatalf("video sometimes: %d %s, want 400", r.status, r.body)
	}
	if r = e.do("PUT", "/api/v1/projects/"+proj.ID+"/secrets/demo_password", ci, map[string]any{"value": demoapp.DemoPassword}); r.status/100 != 2 {
		t.Fatalf("secret: %d %s", r.status, r.body)
	}
	var files []map[string]string
	for _, f := range []string{"settings.yaml", "login.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "demo", "suite", f))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, map[string]string{"path": f, "content": string(data)})
	}
	if r = e.do("POST", "/api/v1/projects/"+proj.ID+"/test-files", ci, map[string]any{"files": files}); r.status/100 != 2 {
		t.Fatalf("test files: %d %s", r.status, r.body)
	}
	const failing, passing = "Save notification settings", "Log in with the demo account"
	r = e.do("POST", "/api/v1/projects/"+proj.ID+"/runs", ci, map[string]any{"names": []string{failing, passing}})
	var run runOut
	r.json(t, &run)
	if r.status != 201 || len(run.Agents) != 2 {
		t.Fatalf("start run: %d %s", r.status, r.body)
	}
	defer startJobs(t, j)()
	events := map[string]webhook.AgentData{}
	for len(events) < 2 {
		var ev webhook.Event[webhook.AgentData]
		select {
		case body := <-finished:
			if err := json.Unmarshal(body, &ev); err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Minute):
			t.Fatalf("agents did not finish; %d of 2", len(events))
		}
		if ev.Data.RunID.String() == run.ID { // the world's own agents end too
			events[ev.Data.TestName] = ev.Data
		}
	}
	fail, pass := events[failing], events[passing]
	if fail.Status != store.StatusFailed || pass.Status != store.StatusPassed {
		t.Fatalf("verdicts: %s %s, %s %s", failing, fail.Status, passing, pass.Status)
	}
	if pass.VideoURL != nil {
		t.Errorf("the passing agent kept a video under on-failure: %s", *pass.VideoURL)
	}
	want := "http://localhost:8080/api/v1/agents/" + fail.AgentID.String() + "/video"
	if fail.VideoURL == nil || *fail.VideoURL != want {
		t.Fatalf("webhook video_url = %v, want %s", fail.VideoURL, want)
	}
	var ag struct {
		VideoURL *string `json:"video_url"`
	}
	e.do("GET", "/api/v1/agents/"+fail.AgentID.String(), ci, nil).json(t, &ag)
	if ag.VideoURL == nil || *ag.VideoURL != want {
		t.Fatalf("API video_url = %v, want %s", ag.VideoURL, want)
	}
	r = e.do("GET", strings.TrimPrefix(want, "http://localhost:8080"), ci, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "video/webm" {
		t.Fatalf("GET video: %d %s", r.status, r.header.Get("Content-Type"))
	}
	d := ffprobeDuration(t, r.body)
	if d <= 0 {
		t.Fatalf("ffprobe duration %v, want > 0", d)
	}
	t.Logf("video of %q: %d bytes, %.2f s", failing, len(r.body), d)
	if r = e.do("GET", "/api/v1/agents/"+pass.AgentID.String()+"/video", ci, nil); r.status != 404 {
		t.Fatalf("video of the passing agent: %d, want 404", r.status)
	}
	r = e.do("GET", "/api/v1/agents/"+fail.AgentID.String()+"/video", key(a.memberKey), nil, "Range", "bytes=0-99")
	if r.status != 206 || len(r.body) != 100 {
		t.Fatalf("range request: %d, %d bytes", r.status, len(r.body))
	}
	if r = e.do("GET", "/api/v1/tenant/export", ci, nil); r.status != 200 || !strings.Contains(string(r.body), want) {
		t.Fatalf("the export does not list the video: %d", r.status)
	}
}

func ffprobeDuration(t *testing.T, data []byte) float64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.webm")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=format_name,duration", "-of", "default=nw=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "format_name=matroska,webm") {
		t.Fatalf("ffprobe: not a WebM: %s", out)
	}
	_, d, _ := strings.Cut(string(out), "duration=")
	f, _ := strconv.ParseFloat(strings.TrimSpace(strings.SplitN(d, "\n", 2)[0]), 64)
	return f
}
