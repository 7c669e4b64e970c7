package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
)

type sseEvent struct {
	name, id, data string
}

// readEvents parses a Server-Sent Events stream into a channel.
func readEvents(t *testing.T, resp *http.Response) <-chan sseEvent {
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				out <- sseEvent{name: "comment", data: line}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return out
}

func next(t *testing.T, c <-chan sseEvent, want string) sseEvent {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-c:
			if !ok {
				t.Fatalf("stream ended while waiting for %q", want)
			}
			if ev.name == want {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %q event within 30 s", want)
		}
	}
}

func openStream(t *testing.T, e *env, path string, c cred, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.bearer)
	req.Header.Set("Accept-Encoding", "gzip")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		t.Fatalf("event stream is compressed (%s); it must not be", ce)
	}
	return resp
}

// TestRunEventsDeliverStepsLive follows a run: the existing step and the
// run come first, a step stored and published afterwards arrives live,
// and the stream ends with `end` once the agent finished.
func TestRunEventsDeliverStepsLive(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.App.HeartbeatInterval = 200 * time.Millisecond })
	a := e.world("acme")
	ctx := context.Background()
	resp := openStream(t, e, "/api/v1/runs/"+a.run.ID.String()+"/events", key(a.memberKey))
	evs := readEvents(t, resp)

	first := next(t, evs, "step")
	var st struct {
		AgentID       string  `json:"agent_id"`
		Index         int     `json:"index"`
		Action        string  `json:"action"`
		ScreenshotURL *string `json:"screenshot_url"`
	}
	if err := json.Unmarshal([]byte(first.data), &st); err != nil || st.Index != 0 || st.AgentID != a.agent.ID.String() || st.ScreenshotURL == nil {
		t.Fatalf("first step: %s (%v)", first.data, err)
	}
	next(t, evs, "run")
	next(t, evs, "comment") // heartbeat

	if _, err := e.store.StartAgent(ctx, a.tenant.ID, a.agent.ID, 1, nil, "scripted:test"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AppendStep(ctx, a.tenant.ID, store.Step{AgentID: a.agent.ID, Attempt: 1, Index: 1, Action: "click", Outcome: "clicked [3] 'Buy'"}); err != nil {
		t.Fatal(err)
	}
	if err := events.Publish(ctx, e.store.Pool(), events.Event{Kind: events.KindStep, Tenant: a.tenant.ID, Run: a.run.ID, Agent: a.agent.ID, Index: 1}); err != nil {
		t.Fatal(err)
	}
	live := next(t, evs, "step")
	if !strings.Contains(live.data, `"index":1`) || !strings.Contains(live.data, "clicked [3]") || live.id == "" {
		t.Fatalf("live step: %+v", live)
	}

	if _, err := e.store.FinishAgent(ctx, a.tenant.ID, a.agent.ID, store.AgentResult{Status: store.StatusPassed, Summary: "bought"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.RefreshRunStatus(ctx, a.tenant.ID, a.run.ID); err != nil {
		t.Fatal(err)
	}
	if err := events.Publish(ctx, e.store.Pool(), events.Event{Kind: events.KindRun, Tenant: a.tenant.ID, Run: a.run.ID}); err != nil {
		t.Fatal(err)
	}
	run := next(t, evs, "run")
	if !strings.Contains(run.data, `"status":"passed"`) {
		t.Fatalf("final run event: %s", run.data)
	}
	next(t, evs, "end")

	// Resuming with Last-Event-ID sends only later steps; the agent stream
	// of a finished agent ends at once.
	resp2 := openStream(t, e, "/api/v1/agents/"+a.agent.ID.String()+"/events", key(a.memberKey), "Last-Event-ID", first.id)
	evs2 := readEvents(t, resp2)
	again := next(t, evs2, "step")
	if !strings.Contains(again.data, `"index":1`) {
		t.Fatalf("resumed stream repeated an old step: %s", again.data)
	}
	next(t, evs2, "agent")
	next(t, evs2, "end")
}

// TestShutdownEndsStreams checks that Serve returns promptly when its
// context ends, even with an event stream open.
func TestShutdownEndsStreams(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	ctx, cancel := context.WithCancel(context.Background())
	ln := listen(t)
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	req, _ := http.NewRequest("GET", url+"/api/v1/runs/"+a.run.ID.String()+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+a.memberKey.Plaintext)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	evs := readEvents(t, resp)
	next(t, evs, "run")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return within 30 s of its context ending: the open stream held it")
	}
	for range evs {
	}
}

// TestStreamsOutliveTimeouts: with 1-second read and write timeouts, an
// ordinary request still works and an event stream keeps delivering
// heartbeats well past them.
func TestStreamsOutliveTimeouts(t *testing.T) {
	e := newEnv(t, func(c *envConfig) {
		c.Server.ReadTimeout, c.Server.WriteTimeout = time.Second, time.Second
		c.App.HeartbeatInterval = 300 * time.Millisecond
	})
	a := e.world("acme")
	resp := openStream(t, e, "/api/v1/runs/"+a.run.ID.String()+"/events", key(a.memberKey))
	evs := readEvents(t, resp)
	next(t, evs, "run")
	deadline := time.Now().Add(2500 * time.Millisecond)
	beats := 0
	for time.Now().Before(deadline) {
		next(t, evs, "comment")
		beats++
	}
	if beats < 5 {
		t.Fatalf("%d heartbeats in 2.5 s", beats)
	}
	if r := e.do("GET", "/api/v1/runs/"+a.run.ID.String(), key(a.memberKey), nil); r.status != 200 {
		t.Fatalf("ordinary request: %d", r.status)
	}
}
