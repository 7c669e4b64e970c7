package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/openai"
	"github.com/argusqa/argus/agent/llm/scripted"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

func toolCall(name string, args any) scripted.Step {
	raw, _ := json.Marshal(args)
	return scripted.Step{ToolCalls: []llm.ToolCall{{Name: name, Args: raw}}, Usage: llm.Usage{InputTokens: 1000, OutputTokens: 30}}
}

// openAIModel is the real OpenAI client on srv, with llm.WithRetry's
// policy but no retries, as a worker's model.
func openAIModel(t testing.TB, srv *llmtest.Server) llm.Model {
	t.Helper()
	client, err := openai.New(openai.Config{Model: "gpt-test", BaseURL: srv.BaseURL(), APIKey: llmtest.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	model, err := llm.WithRetry(client, llm.RetryConfig{MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return model
}

func localBrowsers(t testing.TB, max int) *local.Provider {
	t.Helper()
	browsertest.ChromiumPath(t)
	p, err := local.New(local.Config{MaxSessions: max})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	return p
}

// TestWholePath: a run created with Enqueue is worked by River, the agent
// drives real Chromium against a page on loopback with a model served by a
// fake OpenAI server through the real client; the verdict, every step with
// its screenshot, the run's status and the replay land in the database and
// blob storage, and events announce each of them. A second run of the same
// test replays the saved run without a model call.
func TestWholePath(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", page("Shop", `<h1>Shop</h1>
<button onclick="document.getElementById('greeting').textContent = 'Hello, Ada'">Show greeting</button>
<p id="greeting"></p>`))
	app := newApp(t, mux)
	f := newFixture(t, app.URL)
	ctx := context.Background()

	srv := llmtest.NewOpenAI(t,
		toolCall("click", map[string]any{"index": 1}),
		toolCall("assert", map[string]any{"check": "text", "value": "Hello, Ada", "checkpoint": "the page greets Ada"}),
		toolCall("finish", map[string]any{"verdict": "passed", "summary": "The greeting appeared."}),
	)
	model := openAIModel(t, srv)
	tt := f.test("Greeting", store.TestInput{StartURL: "/", Goal: "Show the greeting and check it greets Ada.", Checkpoints: []string{"the page greets Ada"}})

	hub := events.NewHub(f.pool, testLogger(t))
	hubCtx, stopHub := context.WithCancel(ctx)
	defer stopHub()
	ready := make(chan struct{})
	go func() { _ = hub.Run(hubCtx, ready) }()
	<-ready

	j := f.newJobs(jobs.Config{Browser: localBrowsers(t, 2), Model: model, Agent: agent.Config{ExpectTimeout: 2 * time.Second}})
	done := subscribe(j)
	run, agents := f.run(j, tt)
	sub := hub.Subscribe(f.tenant.ID, run.ID, uuid.Nil)
	defer sub.Close()
	start(t, j)
	finished(t, done, 1, 90*time.Second)

	a := f.agent(agents[0].ID)
	if a.Status != store.StatusPassed || a.Attempt != 1 || a.Model != model.Name() || a.JobID == nil || a.InputTokens != 3000 {
		t.Fatalf("agent: %+v", a)
	}
	steps, err := f.store.ListSteps(ctx, f.tenant.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 3 || steps[0].Action != "navigate" {
		t.Fatalf("steps: %+v", steps)
	}
	for _, st := range steps {
		if st.Attempt != 1 || st.ScreenshotKey == "" {
			t.Fatalf("step %d: attempt %d, screenshot %q", st.Index, st.Attempt, st.ScreenshotKey)
		}
		rc, err := f.blobs.Get(ctx, st.ScreenshotKey)
		if err != nil {
			t.Fatalf("screenshot of step %d: %v", st.Index, err)
		}
		png, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("screenshot of step %d is not a PNG", st.Index)
		}
	}
	if r, _ := f.store.GetRun(ctx, f.tenant.ID, run.ID); r.Status != store.StatusPassed || r.FinishedAt == nil {
		t.Fatalf("run: %+v", r)
	}
	saved, err := f.store.GetReplay(ctx, f.tenant.ID, tt.ID)
	if err != nil {
		t.Fatalf("replay not saved: %v", err)
	}
	if rep, err := agent.UnmarshalReplay(saved.Data); err != nil || rep.Key != saved.Key || len(rep.Steps) == 0 {
		t.Fatalf("saved replay: %v %+v", err, rep)
	}

	// Every step, the agent and the run were announced.
	seen := map[events.Kind]int{}
	stepsSeen := map[int]bool{}
	deadline := time.After(10 * time.Second)
	for len(stepsSeen) < len(steps) || seen[events.KindAgent] == 0 || seen[events.KindRun] == 0 {
		select {
		case ev := <-sub.C:
			seen[ev.Kind]++
			if ev.Kind == events.KindStep {
				stepsSeen[ev.Index] = true
			}
		case <-deadline:
			t.Fatalf("events seen: %v, steps %v of %d", seen, stepsSeen, len(steps))
		}
	}

	// The next run replays: no model call.
	calls := len(srv.Requests())
	_, agents = f.run(j, tt)
	finished(t, done, 1, 60*time.Second)
	if a := f.agent(agents[0].ID); a.Status != store.StatusPassed {
		t.Fatalf("replayed agent: %+v", a)
	}
	if n := len(srv.Requests()); n != calls {
		t.Fatalf("the replayed run called the model %d times", n-calls)
	}
}
