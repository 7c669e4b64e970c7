package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

const (
	mcpHomeTest = `name: Home page
url: /
tags: [smoke]
steps:
  - expect text "Everything for a calm desk"
`
	mcpBrokenTest = `name: Broken
url: /
steps:
  - frobnicate the page
`
	mcpFailingTest = `name: Dashboard without a login
url: /dashboard
steps:
  - expect url "/dashboard"
`
)

// mcpClient is the SDK's own client on a session, with the progress
// notifications it received.
type mcpClient struct {
	t        *testing.T
	cs       *sdk.ClientSession
	mu       sync.Mutex
	progress []string
	step     chan struct{} // a step's progress arrived
	arrived  chan struct{} // some progress arrived since it was last read
}

// waitProgress waits until a progress notification containing want has
// arrived, and returns them all. The SDK hands notifications to the
// handler on a goroutine of their own, so the last ones sent before a
// tool's result may be handled after the call returned.
func (c *mcpClient) waitProgress(ctx context.Context, want string) (string, bool) {
	for {
		c.mu.Lock()
		all := strings.Join(c.progress, "\n")
		c.mu.Unlock()
		if strings.Contains(all, want) {
			return all, true
		}
		select {
		case <-c.arrived:
		case <-ctx.Done():
			return all, false
		}
	}
}

func connectMCP(t *testing.T, tr sdk.Transport) *mcpClient {
	t.Helper()
	c := &mcpClient{t: t, step: make(chan struct{}, 100), arrived: make(chan struct{}, 1)}
	client := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, &sdk.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *sdk.ProgressNotificationClientRequest) {
			c.mu.Lock()
			c.progress = append(c.progress, req.Params.Message)
			c.mu.Unlock()
			select {
			case c.arrived <- struct{}{}:
			default:
			}
			if strings.Contains(req.Params.Message, ": step ") {
				select {
				case c.step <- struct{}{}:
				default:
				}
			}
		}})
	cs, err := client.Connect(t.Context(), tr, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	c.cs = cs
	return c
}

// call calls a tool and returns its result; wantErr says whether a tool
// error is expected.
func (c *mcpClient) call(ctx context.Context, name string, args map[string]any, wantErr bool) *sdk.CallToolResult {
	c.t.Helper()
	params := &sdk.CallToolParams{Name: name, Arguments: args}
	params.SetProgressToken("p-" + name)
	res, err := c.cs.CallTool(ctx, params)
	if err != nil {
		c.t.Fatalf("%s: %v", name, err)
	}
	if res.IsError != wantErr {
		c.t.Fatalf("%s: IsError=%v, want %v: %s", name, res.IsError, wantErr, text(res))
	}
	return res
}

func (c *mcpClient) decode(res *sdk.CallToolResult, v any) {
	c.t.Helper()
	data, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(data, v); err != nil {
		c.t.Fatalf("decode %s: %v", data, err)
	}
}

func text(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func pngImages(res *sdk.CallToolResult) int {
	n := 0
	for _, c := range res.Content {
		if ic, ok := c.(*sdk.ImageContent); ok && ic.MIMEType == "image/png" && bytes.HasPrefix(ic.Data, []byte("\x89PNG")) {
			n++
		}
	}
	return n
}

type mcpRun struct {
	ID       string
	Status   string
	Finished bool
	Agents   []struct{ ID, Test, Status, Summary string }
}

// exerciseMCP is the session both transports must carry: save a test
// (a broken one refused with its line), list, run two tests with
// progress, read steps and a screenshot, explain the failure. It returns
// the run.
func exerciseMCP(t *testing.T, c *mcpClient, brokenLine string) mcpRun {
	ctx := t.Context()
	res := c.call(ctx, "save_test", map[string]any{"path": "broken.yaml", "yaml": mcpBrokenTest}, true)
	if msg := text(res); !strings.Contains(msg, brokenLine) || !strings.Contains(msg, "frobnicate") {
		t.Errorf("broken test: %s (want %q)", msg, brokenLine)
	}
	c.call(ctx, "save_test", map[string]any{"path": "home.yaml", "yaml": mcpHomeTest}, false)
	c.call(ctx, "save_test", map[string]any{"path": "dashboard.yaml", "yaml": mcpFailingTest}, false)

	var list struct{ Tests []struct{ Name string } }
	c.decode(c.call(ctx, "list_tests", nil, false), &list)
	if len(list.Tests) != 2 {
		t.Fatalf("list_tests: %+v", list)
	}
	c.decode(c.call(ctx, "list_tests", map[string]any{"tags": []string{"smoke"}}, false), &list)
	if len(list.Tests) != 1 || list.Tests[0].Name != "Home page" {
		t.Fatalf("list_tests by tag: %+v", list)
	}

	var run mcpRun
	c.decode(c.call(ctx, "run_tests", map[string]any{"names": []string{"Home page", "Dashboard without a login"}}, false), &run)
	if !run.Finished || len(run.Agents) != 2 {
		t.Fatalf("run_tests: %+v", run)
	}
	status := map[string]string{}
	ids := map[string]string{}
	for _, a := range run.Agents {
		status[a.Test], ids[a.Test] = a.Status, a.ID
	}
	if status["Home page"] != "passed" || status["Dashboard without a login"] != "failed" {
		t.Fatalf("verdicts: %+v", run.Agents)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	progress, ok := c.waitProgress(wctx, "Dashboard without a login: failed")
	cancel()
	if !ok || !strings.Contains(progress, "Home page: step 0") {
		t.Errorf("progress notifications:\n%s", progress)
	}

	var again mcpRun
	c.decode(c.call(ctx, "get_run", map[string]any{"run_id": run.ID}, false), &again)
	if again.ID != run.ID || len(again.Agents) != 2 {
		t.Errorf("get_run: %+v", again)
	}

	res = c.call(ctx, "get_agent", map[string]any{"agent_id": ids["Home page"]}, false)
	var ag struct {
		Status string
		Steps  []struct{ Action, Outcome string }
	}
	c.decode(res, &ag)
	if ag.Status != "passed" || len(ag.Steps) < 2 || pngImages(res) != 1 {
		t.Errorf("get_agent: %+v, %d images\n%s", ag, pngImages(res), text(res))
	}
	res = c.call(ctx, "explain_failure", map[string]any{"agent_id": ids["Dashboard without a login"]}, false)
	if msg := text(res); !strings.Contains(msg, "FAILED") || !strings.Contains(msg, "Failing step") || !strings.Contains(msg, "/dashboard") || pngImages(res) != 1 {
		t.Errorf("explain_failure (%d images):\n%s", pngImages(res), msg)
	}
	c.call(ctx, "get_agent", map[string]any{"agent_id": "not-an-id"}, true)
	return run
}

// TestMCPOverStdio drives `argus mcp` in-process over its stdin/stdout
// with the SDK's client: tests are files in a directory, run in this
// process against the demo app; an ad-hoc test runs without a file, and
// cancelling run_tests stops the run.
func TestMCPOverStdio(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	dir := t.TempDir()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	e := &env{stdin: inR, stdout: outW, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"mcp", dir, "--base-url", base}, e)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		if c := <-code; c != 0 {
			t.Errorf("argus mcp exited %d: %s", c, stderr.String())
		}
	})
	c := connectMCP(t, &sdk.IOTransport{Reader: outR, Writer: inW})
	exerciseMCP(t, c, "broken.yaml:4")
	if _, err := os.Stat(filepath.Join(dir, "home.yaml")); err != nil {
		t.Errorf("save_test wrote no file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "broken.yaml")); !os.IsNotExist(err) {
		t.Errorf("a refused test file was written: %v", err)
	}
	c.call(t.Context(), "save_test", map[string]any{"path": "../outside.yaml", "yaml": mcpHomeTest}, true)

	// Ad hoc: steps and a URL, no file.
	var run mcpRun
	c.decode(c.call(t.Context(), "run_tests", map[string]any{"url": "/", "steps": []string{`expect text "Everything for a calm desk"`}}, false), &run)
	if len(run.Agents) != 1 || run.Agents[0].Status != "passed" {
		t.Fatalf("ad-hoc run: %+v", run)
	}

	// Cancelling the call ends the run after the step in flight.
	long := "name: Long\nurl: /\nsteps:\n" + strings.Repeat("  - expect text \"Everything for a calm desk\"\n", 40)
	c.call(t.Context(), "save_test", map[string]any{"path": "long.yaml", "yaml": long}, false)
	for len(c.step) > 0 {
		<-c.step
	}
	cctx, stop := context.WithCancel(t.Context())
	go func() { <-c.step; stop() }()
	params := &sdk.CallToolParams{Name: "run_tests", Arguments: map[string]any{"names": []string{"Long"}}}
	params.SetProgressToken("cancel-me")
	if _, err := c.cs.CallTool(cctx, params); err == nil {
		t.Fatal("a cancelled run_tests call answered")
	}
	stop()
}

// bearer adds an API key to every request.
type bearer struct {
	key  string
	base http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.key)
	return b.base.RoundTrip(r)
}

// TestMCPOverHTTP drives /mcp on `argus serve --with-worker` (PostgreSQL,
// River, local Chromium) with the SDK's streamable client and an API key:
// the same session as over stdio, tenant-scoped; a second tenant's key
// sees none of it, and no key is no session.
func TestMCPOverHTTP(t *testing.T) {
	requireBrowser(t)
	base := startDemoApp(t)
	vars := serveVars(t)
	keys := map[string]string{}
	for _, tenant := range []string{"Acme", "Globex"} {
		if r := argus(t, vars, "", "admin", "create-tenant", "--name", tenant); r.code != 0 {
			t.Fatalf("create-tenant: %+v", r)
		}
		r := argus(t, vars, "", "admin", "create-key", "--tenant", strings.ToLower(tenant), "--name", "agent", "--role", "admin")
		if r.code != 0 {
			t.Fatalf("create-key: %+v", r)
		}
		keys[tenant] = strings.TrimSpace(r.stdout)
	}
	url, _ := startServe(t, vars, "--with-worker")
	body, _ := json.Marshal(map[string]any{"name": "Shop", "base_url": base})
	req, _ := http.NewRequest("POST", url+"/api/v1/projects", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+keys["Acme"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var project struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&project)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create project: %d", resp.StatusCode)
	}

	for _, key := range []string{"", "argus_notarealkey"} {
		req, _ := http.NewRequest("POST", url+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST /mcp with key %q: %d, want 401", key, resp.StatusCode)
		}
	}

	connect := func(key string) *mcpClient {
		return connectMCP(t, &sdk.StreamableClientTransport{Endpoint: url + "/mcp",
			HTTPClient: &http.Client{Transport: bearer{key: key, base: http.DefaultTransport}}})
	}
	acme := connect(keys["Acme"])
	run := exerciseMCP(t, acme, "broken.yaml:4")

	globex := connect(keys["Globex"])
	ctx := t.Context()
	if msg := text(globex.call(ctx, "list_tests", nil, true)); !strings.Contains(msg, "no project") {
		t.Errorf("second tenant's list_tests: %s", msg)
	}
	globex.call(ctx, "list_tests", map[string]any{"project": "Shop"}, true)
	globex.call(ctx, "get_run", map[string]any{"run_id": run.ID}, true)
	for _, a := range run.Agents {
		globex.call(ctx, "get_agent", map[string]any{"agent_id": a.ID}, true)
		globex.call(ctx, "explain_failure", map[string]any{"agent_id": a.ID}, true)
	}
	globex.call(ctx, "run_tests", map[string]any{"project": "Shop", "names": []string{"Home page"}}, true)
	globex.call(ctx, "save_test", map[string]any{"project": "Shop", "path": "x.yaml", "yaml": mcpHomeTest}, true)

	// Cancelling a run_tests call over HTTP cancels the run on the
	// server: its event stream ends and its agent is cancelled.
	long := "name: Long\nurl: /\nsteps:\n" + strings.Repeat("  - expect text \"Everything for a calm desk\"\n", 40)
	acme.call(ctx, "save_test", map[string]any{"project": "Shop", "path": "long.yaml", "yaml": long}, false)
	for len(acme.step) > 0 {
		<-acme.step
	}
	cctx, stop := context.WithCancel(ctx)
	go func() { <-acme.step; stop() }()
	params := &sdk.CallToolParams{Name: "run_tests", Arguments: map[string]any{"project": "Shop", "names": []string{"Long"}}}
	params.SetProgressToken("cancel-me")
	if _, err := acme.cs.CallTool(cctx, params); err == nil {
		t.Fatal("a cancelled run_tests call answered")
	}
	stop()
	apiGet := func(path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "GET", url+path, nil)
		req.Header.Set("Authorization", "Bearer "+keys["Acme"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var runs struct {
		Items []struct {
			ID string
		}
	}
	resp = apiGet("/api/v1/projects/" + project.ID + "/runs")
	_ = json.NewDecoder(resp.Body).Decode(&runs)
	resp.Body.Close()
	if len(runs.Items) == 0 {
		t.Fatal("no runs listed")
	}
	// Newest first: the cancelled one. Its stream ends once it is over.
	events := apiGet("/api/v1/runs/" + runs.Items[0].ID + "/events")
	sc := bufio.NewScanner(events.Body)
	for sc.Scan() && sc.Text() != "event: end" {
	}
	events.Body.Close()
	var cancelled struct {
		Status string
		Agents []struct {
			TestName string `json:"test_name"`
			Status   string
		}
	}
	// The run's own status is settled by the worker right after its last
	// agent ends, which can be just after the stream's end event.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp = apiGet("/api/v1/runs/" + runs.Items[0].ID)
		_ = json.NewDecoder(resp.Body).Decode(&cancelled)
		resp.Body.Close()
		if cancelled.Status != "running" && cancelled.Status != "queued" {
			break
		}
		select {
		case <-tick.C:
		case <-t.Context().Done():
			t.Fatalf("the run never settled: %+v", cancelled)
		}
	}
	if cancelled.Status != "cancelled" || len(cancelled.Agents) != 1 || cancelled.Agents[0].TestName != "Long" || cancelled.Agents[0].Status != "cancelled" {
		t.Fatalf("run after the cancelled call: %+v", cancelled)
	}
}
