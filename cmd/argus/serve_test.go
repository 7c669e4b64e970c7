package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/internal/pgtest"
)

// startServe runs `argus serve` in-process and returns its base URL and a
// function that stops it and returns its exit code.
func startServe(t *testing.T, vars map[string]string, args ...string) (string, func() int) {
	t.Helper()
	return startServeLogging(t, vars, nil, args...)
}

// startServeLogging is startServe that also copies everything the server
// writes to stderr (its log) to logs, when logs is not nil.
func startServeLogging(t *testing.T, vars map[string]string, logs io.Writer, args ...string) (string, func() int) {
	t.Helper()
	pr, pw := io.Pipe()
	var stderr io.Writer = pw
	if logs != nil {
		stderr = io.MultiWriter(pw, logs)
	}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr, getenv: func(k string) string { return vars[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"serve"}, args...), e)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving on (http://[0-9.:]+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			t.Log(sc.Text())
		}
		close(addr)
		// A line too long for the scanner must not block the server's
		// writes: drain the rest.
		_, _ = io.Copy(io.Discard, pr)
	}()
	var url string
	select {
	case url = <-addr:
	case c := <-code:
		t.Fatalf("argus serve exited with %d before serving", c)
	case <-time.After(3 * time.Minute): // a first embedded start runs initdb and every migration
		t.Fatal("argus serve did not start within 3 minutes")
	}
	if url == "" {
		t.Fatalf("argus serve exited with %d before serving", <-code)
	}
	stopped := false
	var exit int
	stop := func() int {
		if !stopped {
			cancel()
			select {
			case exit = <-code:
			case <-time.After(40 * time.Second):
				t.Fatal("argus serve did not stop within 40 s of SIGTERM")
			}
			stopped = true
		}
		return exit
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

func serveVars(t *testing.T) map[string]string {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return map[string]string{
		"DATABASE_URL":     pgtest.MigratedURL(t),
		"ARGUS_SECRET_KEY": base64.StdEncoding.EncodeToString(key),
		"ARGUS_LISTEN":     "127.0.0.1:0",
		"ARGUS_BLOB_DIR":   t.TempDir(),
		"ARGUS_LOG_LEVEL":  "warn",
		// The applications under test listen on this machine.
		"ARGUS_TARGET_ALLOW_CIDRS": "127.0.0.1/32",
	}
}

func TestServe(t *testing.T) {
	vars := serveVars(t)
	// An admin to sign in with, made the way an operator would.
	if r := argus(t, vars, "", "admin", "create-tenant", "--name", "Acme"); r.code != 0 {
		t.Fatalf("create-tenant: %+v", r)
	}
	if r := argus(t, vars, "a long enough password\n", "admin", "create-user", "--tenant", "acme", "--email", "ops@example.com", "--password-stdin"); r.code != 0 {
		t.Fatalf("create-user: %+v", r)
	}
	url, stop := startServe(t, vars)

	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/api/v1/openapi.json": 200, "/metrics": 200, "/api/v1/me": 401} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: %d (X-Frame-Options %q); want %d", path, resp.StatusCode, resp.Header.Get("X-Frame-Options"), want)
		}
	}
	resp, err := http.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"ops@example.com","password":"a long enough password"}`))
	if err != nil {
		t.Fatal(err)
	}
	var who struct{ Role string }
	_ = json.NewDecoder(resp.Body).Decode(&who)
	resp.Body.Close()
	if resp.StatusCode != 200 || who.Role != "admin" || len(resp.Cookies()) == 0 {
		t.Fatalf("login: %d %+v", resp.StatusCode, who)
	}
	// The web UI answers the paths the API does not own.
	resp, err = http.Get(url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /login: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Without ARGUS_SMTP_URL the UI has no mailer, and says so instead
	// of promising a mail that never leaves.
	if body := getBody(t, url+"/forgot-password"); !strings.Contains(body, "does not send mail") || strings.Contains(body, "Send reset link") {
		t.Errorf("password reset without SMTP:\n%s", body)
	}
	start := time.Now()
	if code := stop(); code != 0 {
		t.Fatalf("argus serve exited %d", code)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("graceful shutdown took %v", d)
	}
}

// TestServeWithWorker starts the embedded worker (against a grid URL that
// is never reached, since no run is started) and stops it gracefully.
func TestServeWithWorker(t *testing.T) {
	vars := serveVars(t)
	vars["ARGUS_BROWSER"] = "grid"
	vars["ARGUS_GRID_URL"] = "http://127.0.0.1:9"
	url, stop := startServe(t, vars, "--with-worker")
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := stop(); code != 0 || resp.StatusCode != 200 {
		t.Fatalf("exit %d, readyz %d", code, resp.StatusCode)
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	vars := serveVars(t)
	delete(vars, "ARGUS_SECRET_KEY")
	if r := argus(t, vars, "", "serve"); r.code != exitUsage || !strings.Contains(r.stderr, "ARGUS_SECRET_KEY") {
		t.Fatalf("without a secret key: %+v", r)
	}
	vars = serveVars(t)
	vars["ARGUS_SMTP_URL"] = "http://mail.example.com"
	if r := argus(t, vars, "", "serve"); r.code != exitUsage || !strings.Contains(r.stderr, "ARGUS_SMTP_URL") {
		t.Fatalf("bad SMTP URL: %+v", r)
	}
	if r := argus(t, serveVars(t), "", "serve", "extra"); r.code != exitUsage {
		t.Fatalf("positional argument: %+v", r)
	}
}

// With ARGUS_SMTP_URL the UI mails reset links: it offers the form.
func TestServeWithSMTPOffersMailedResets(t *testing.T) {
	vars := serveVars(t)
	vars["ARGUS_SMTP_URL"] = "smtp://argus:secret@127.0.0.1:2525"
	url, stop := startServe(t, vars)
	if body := getBody(t, url+"/forgot-password"); !strings.Contains(body, "Send reset link") || strings.Contains(body, "does not send mail") {
		t.Errorf("password reset with SMTP:\n%s", body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("argus serve exited %d", code)
	}
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
