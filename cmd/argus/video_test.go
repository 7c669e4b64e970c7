package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunWritesVideos: argus run --video on-failure --report DIR records
// every test and keeps the failing one's WebM in the report, linked from
// its page; a test's own video: on wins over the flag; --video without
// --report is refused.
func TestRunWritesVideos(t *testing.T) {
	requireBrowser(t)
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install ffmpeg)", tool)
		}
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fail.yaml"), "name: Dashboard needs a login\nurl: /dashboard\nsteps:\n  - expect url \"/dashboard\"\n")
	writeFile(t, filepath.Join(dir, "pass.yaml"), "name: Login page\nurl: /login\nsteps:\n  - expect text \"Log in\"\n")
	writeFile(t, filepath.Join(dir, "own.yaml"), "name: Products page\nurl: /products\nvideo: on\nsteps:\n  - expect text \"Products\"\n")

	res := argus(t, nil, "", "run", dir, "--base-url", "http://127.0.0.1:1", "--video", "on")
	if res.code != exitUsage || !strings.Contains(res.stderr, "--report") {
		t.Fatalf("--video without --report: exit %d, stderr %s", res.code, res.stderr)
	}
	res = argus(t, nil, "", "run", dir, "--base-url", "http://127.0.0.1:1", "--video", "sometimes")
	if res.code != exitUsage || !strings.Contains(res.stderr, "ARGUS_VIDEO") {
		t.Fatalf("--video sometimes: exit %d, stderr %s", res.code, res.stderr)
	}

	base := startDemoApp(t)
	report := filepath.Join(t.TempDir(), "report")
	res = argus(t, nil, "", "run", dir, "--base-url", base, "--video", "on-failure", "--report", report, "--parallel", "1")
	if res.code != exitFail {
		t.Fatalf("exit %d, want 1\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	entries, _ := os.ReadDir(filepath.Join(report, "videos"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Fatalf("videos %v: want the failing test's and the one with video: on", names)
	}
	html, err := os.ReadFile(filepath.Join(report, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == "login-page.webm" {
			t.Errorf("the passing test's video was kept: %v", names)
		}
		if !strings.Contains(string(html), `src="videos/`+n+`"`) {
			t.Errorf("the report does not play %s", n)
		}
		out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", filepath.Join(report, "videos", n)).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) == "" || strings.HasPrefix(strings.TrimSpace(string(out)), "0.000") {
			t.Errorf("ffprobe %s: %v %s", n, err, out)
		}
	}
}
