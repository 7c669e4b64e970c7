package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// embeddedVars are serve's settings with no DATABASE_URL and no secret key:
// what a newcomer runs.
func embeddedVars(t *testing.T, dataDir string) map[string]string {
	return map[string]string{
		"ARGUS_DATA_DIR":  dataDir,
		"ARGUS_LISTEN":    "127.0.0.1:0",
		"ARGUS_BLOB_DIR":  filepath.Join(dataDir, "blobs"),
		"ARGUS_LOG_LEVEL": "warn",
		// The embedded worker starts; a grid that is never reached (no run
		// is started) keeps this test free of browsers.
		"ARGUS_BROWSER":  "grid",
		"ARGUS_GRID_URL": "http://127.0.0.1:9",
	}
}

// reachableTempDir is a temporary directory the postgres user can enter
// when the tests run as root (t.TempDir and its parent are 0700).
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "data")
}

func login(t *testing.T, url, email, password string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var who struct{ Role string }
	_ = json.NewDecoder(resp.Body).Decode(&who)
	return resp.StatusCode, who.Role
}

// The first start of `argus serve` without DATABASE_URL creates the
// embedded database, its key and one administrator; a restart reuses all
// three and creates no second administrator.
func TestServeEmbeddedFirstStartAndRestart(t *testing.T) {
	dataDir := reachableTempDir(t)
	vars := embeddedVars(t, dataDir)

	var logs e2eBuffer
	url, stop := startServeLogging(t, vars, &logs)
	out := logs.String()
	m := regexp.MustCompile(`e-mail:\s+(\S+)\s+password:\s+(\S+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "embedded PostgreSQL") || !strings.Contains(out, "DATABASE_URL") {
		t.Fatalf("first start printed no sign-in or no word on the mode:\n%s", out)
	}
	email, password := m[1], m[2]
	if code, role := login(t, url, email, password); code != 200 || role != "admin" {
		t.Fatalf("first administrator's login: %d %q", code, role)
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz %d", resp.StatusCode)
	}
	key, err := os.ReadFile(filepath.Join(dataDir, secretKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("argus serve exited %d", code)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "postgres", "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("the embedded PostgreSQL was not stopped with the server: %v", err)
	}

	var again e2eBuffer
	url, stop = startServeLogging(t, vars, &again)
	if strings.Contains(again.String(), "first start") {
		t.Errorf("a restart created another administrator:\n%s", again.String())
	}
	if code, role := login(t, url, email, password); code != 200 || role != "admin" {
		t.Fatalf("login after a restart: %d %q", code, role)
	}
	if key2, err := os.ReadFile(filepath.Join(dataDir, secretKeyFile)); err != nil || string(key2) != string(key) {
		t.Errorf("the kept secret key changed across a restart (%v)", err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("argus serve exited %d after the restart", code)
	}
}
