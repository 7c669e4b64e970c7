package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/argusqa/argus/internal/netpolicy"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/jobs"
)

func toolCall(name string, args any) scripted.Step {
	raw, _ := json.Marshal(args)
	return scripted.Step{ToolCalls: []llm.ToolCall{{Name: name, Args: raw}}, Usage: llm.Usage{InputTokens: 1000, OutputTokens: 30}}
}

// startJobs starts j's workers; defer the function it returns, which
// stops them (30 s at the most) and then ends their context.
func startJobs(t *testing.T, j *jobs.Jobs) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := j.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	return func() {
		sctx, cancelStop := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancelStop()
		_ = j.Stop(sctx)
		cancel()
	}
}

// TestWholePathOverHTTP: a run started with POST /api/v1/projects/{id}/runs
// goes through River to a worker, whose agent drives real Chromium against
// an app on loopback with a model served by a fake OpenAI server; the run's
// event stream delivers the steps live and ends, and GET shows the verdict,
// the steps and their screenshots.
func TestWholePathOverHTTP(t *testing.T) {
	browsertest.ChromiumPath(t)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
<button onclick="document.getElementById('greeting').textContent = 'Hello, Ada'">Show greeting</button>
<p id="greeting"></p></body></html>`))
	}))
	defer app.Close()
	fake := llmtest.NewOpenAI(t,
		toolCall("click", map[string]any{"index": 1}),
		toolCall("assert", map[string]any{"check": "text", "value": "Hello, Ada", "checkpoint": "the page greets Ada"}),
		toolCall("finish", map[string]any{"verdict": "passed", "summary": "The greeting appeared."}),
	)
	model, err := openai.New(openai.Config{Model: "gpt-test", BaseURL: fake.BaseURL(), APIKey: llmtest.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	browsers, err := local.New(local.Config{MaxSessions: 1})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = browsers.Close(ctx)
	}()
	var j *jobs.Jobs
	e := newEnv(t, func(c *envConfig) {
		var err error
		j, err = jobs.New(jobs.Config{Pool: c.App.Store.Pool(), Store: c.App.Store, Blobs: c.App.Blobs, Browser: browsers, Model: model,
			Agent:        agent.Config{ExpectTimeout: 2 * time.Second},
			TargetPolicy: &netpolicy.Policy{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}})
		if err != nil {
			t.Fatal(err)
		}
		c.App.Scheduler = j
		// The application under test is on this machine.
		c.App.TargetPolicy.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	a := e.world("acme")
	ci := key(a.memberKey)

	r := e.do("POST", "/api/v1/projects", ci, map[string]any{"name": "Greeter", "base_url": app.URL})
	var proj struct{ ID string }
	r.json(t, &proj)
	r = e.do("POST", "/api/v1/projects/"+proj.ID+"/tests", ci, map[string]any{
		"name": "Greeting", "url": "/", "goal": "Show the greeting and check it greets Ada.", "checkpoints": []string{"the page greets Ada"}})
	if r.status != 201 {
		t.Fatalf("create test: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/projects/"+proj.ID+"/runs", ci, map[string]any{"names": []string{"Greeting"}})
	var run runOut
	r.json(t, &run)
	if r.status != 201 {
		t.Fatalf("start run: %d %s", r.status, r.body)
	}
	evs := readEvents(t, openStream(t, e, "/api/v1/runs/"+run.ID+"/events", ci))
	next(t, evs, "run")

	defer startJobs(t, j)()

	steps := 0
	timeout := time.After(120 * time.Second)
	for done := false; !done; {
		select {
		case ev, ok := <-evs:
			if !ok {
				t.Fatal("stream closed before end")
			}
			switch ev.name {
			case "step":
				steps++
			case "end":
				done = true
			}
		case <-timeout:
			t.Fatalf("no end within 120 s (%d steps seen)", steps)
		}
	}
	if steps < 3 {
		t.Fatalf("%d steps arrived live; want at least navigate, click, assert", steps)
	}
	r = e.do("GET", "/api/v1/runs/"+run.ID, ci, nil)
	var final runOut
	r.json(t, &final)
	if final.Status != "passed" || final.Agents[0].Status != "passed" {
		t.Fatalf("final run: %s", r.body)
	}
	agentID := final.Agents[0].ID
	r = e.do("GET", "/api/v1/agents/"+agentID+"/steps", ci, nil)
	var list struct {
		Items []struct {
			Index         int     `json:"index"`
			Action        string  `json:"action"`
			ScreenshotURL *string `json:"screenshot_url"`
		}
	}
	r.json(t, &list)
	if len(list.Items) != steps || list.Items[0].Action != "navigate" || list.Items[0].ScreenshotURL == nil {
		t.Fatalf("steps: %s", r.body)
	}
	shot := strings.TrimPrefix(*list.Items[len(list.Items)-1].ScreenshotURL, "http://localhost:8080")
	r = e.do("GET", shot, ci, nil)
	if r.status != 200 || !bytes.HasPrefix(r.body, []byte("\x89PNG")) {
		t.Fatalf("screenshot %s: %d %s", shot, r.status, r.header.Get("Content-Type"))
	}
}
