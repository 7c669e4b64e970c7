package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `argus demo --serve` runs the demo, then keeps the embedded server up
// with the demo shop as a project and the run it just made recorded with
// its agents, steps and screenshots; the printed sign-in works, and a
// second start over the same data directory records a second run and
// prints a password that works again.
func TestDemoServe(t *testing.T) {
	requireBrowser(t)
	dataDir := reachableTempDir(t)
	for start := 1; start <= 2; start++ {
		url, email, password, runPath, stop := startDemoServe(t, dataDir)
		c := signedIn(t, url, email, password)

		var run struct {
			Status, Trigger string
			Agents          []struct {
				ID       string `json:"id"`
				TestName string `json:"test_name"`
				Status   string `json:"status"`
			}
		}
		getJSON(t, c, url+"/api/v1"+runPath, &run)
		if run.Trigger != "local" || run.Status != "passed" || len(run.Agents) != 1 {
			t.Fatalf("start %d: the recorded run is %+v", start, run)
		}
		var steps struct {
			Items []struct {
				Action        string `json:"action"`
				ScreenshotURL string `json:"screenshot_url"`
			}
		}
		getJSON(t, c, url+"/api/v1/agents/"+run.Agents[0].ID+"/steps", &steps)
		if len(steps.Items) < 3 || steps.Items[0].ScreenshotURL == "" {
			t.Fatalf("start %d: the recorded agent's steps: %+v", start, steps.Items)
		}
		resp, err := c.Get(steps.Items[len(steps.Items)-1].ScreenshotURL)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || http.DetectContentType(img) != "image/png" {
			t.Fatalf("start %d: screenshot answered %d %s", start, resp.StatusCode, http.DetectContentType(img))
		}

		var projects struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			}
		}
		getJSON(t, c, url+"/api/v1/projects", &projects)
		if len(projects.Items) != 1 || projects.Items[0].Name != demoProjectName {
			t.Fatalf("start %d: projects %+v", start, projects.Items)
		}
		var runs struct {
			Items []struct {
				ID string `json:"id"`
			}
		}
		getJSON(t, c, url+"/api/v1/projects/"+projects.Items[0].ID+"/runs", &runs)
		if len(runs.Items) != start {
			t.Errorf("start %d: the project has %d runs", start, len(runs.Items))
		}
		var tests struct {
			Items []struct {
				Name string `json:"name"`
			}
		}
		getJSON(t, c, url+"/api/v1/projects/"+projects.Items[0].ID+"/tests?limit=200", &tests)
		if len(tests.Items) < 10 {
			t.Errorf("start %d: the project has %d tests, want the demo suite", start, len(tests.Items))
		}
		// The suite's plan and its personas, so the plan runs from the UI.
		var named struct {
			Items []struct {
				Name string `json:"name"`
			}
		}
		getJSON(t, c, url+"/api/v1/projects/"+projects.Items[0].ID+"/plans", &named)
		if len(named.Items) != 1 || named.Items[0].Name != "Order, ship and track" {
			t.Errorf("start %d: plans %+v", start, named.Items)
		}
		getJSON(t, c, url+"/api/v1/projects/"+projects.Items[0].ID+"/personas", &named)
		if len(named.Items) != 2 || named.Items[0].Name != "buyer" || named.Items[1].Name != "seller" {
			t.Errorf("start %d: personas %+v", start, named.Items)
		}
		if code := stop(); code != exitOK {
			t.Fatalf("start %d: argus demo --serve exited %d", start, code)
		}
	}
}

// startDemoServe runs `argus demo --serve` with one demo test and waits
// until it serves; it returns the URL, the sign-in, the recorded run's
// path and a stop function returning the exit code.
func startDemoServe(t *testing.T, dataDir string) (url, email, password, runPath string, stop func() int) {
	t.Helper()
	vars := map[string]string{"ARGUS_REPORT_DIR": t.TempDir(), "ARGUS_LOG_LEVEL": "warn"}
	pr, pw := io.Pipe()
	e := &env{stdin: strings.NewReader(""), stdout: pw, stderr: &testLog{t}, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"demo", "--serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--name", "Log in with the demo account"}, e)
		pw.Close()
	}()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			t.Log(sc.Text())
			lines <- sc.Text()
		}
		close(lines)
	}()
	fields := map[string]*regexp.Regexp{
		"url":      regexp.MustCompile(`^\s+(http://127\.0\.0\.1:\d+)$`),
		"email":    regexp.MustCompile(`e-mail:\s+(\S+)`),
		"password": regexp.MustCompile(`password:\s+(\S+)`),
		"run":      regexp.MustCompile(`the run just made: http://[^/]+(/runs/\S+)`),
	}
	got := map[string]string{}
	timeout := time.After(10 * time.Minute) // a first start runs initdb and every migration, then Chromium
	for !strings.Contains(got["done"], "Ctrl-C") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("argus demo --serve ended before serving: exit %d", <-code)
			}
			for k, re := range fields {
				if m := re.FindStringSubmatch(l); m != nil && got[k] == "" {
					got[k] = m[1]
				}
			}
			if strings.Contains(l, "Ctrl-C") {
				got["done"] = l
			}
		case <-timeout:
			t.Fatal("argus demo --serve did not serve within 10 minutes")
		}
	}
	go func() {
		for range lines { // keep the pipe drained
		}
	}()
	stopped, exit := false, 0
	stop = func() int {
		if !stopped {
			cancel()
			exit, stopped = <-code, true
		}
		return exit
	}
	t.Cleanup(func() { stop() })
	if got["url"] == "" || got["email"] == "" || got["password"] == "" || got["run"] == "" {
		t.Fatalf("argus demo --serve printed no URL, sign-in or run: %v", got)
	}
	return got["url"], got["email"], got["password"], got["run"], stop
}

// testLog writes what a command prints to stderr to the test log.
type testLog struct{ t *testing.T }

func (l *testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func signedIn(t *testing.T, url, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := c.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sign-in with the printed password: %d", resp.StatusCode)
	}
	return c
}

func getJSON(t *testing.T, c *http.Client, url string, v any) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
