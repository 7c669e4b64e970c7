package local_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
)

// flakyChromedriver is a chromedriver that exits 1 before listening the
// first failures times it starts (as a real one now and then does on a
// loaded machine), then runs the real one. starts counts its starts.
func flakyChromedriver(t *testing.T, failures int) (path string, starts func() int) {
	t.Helper()
	real, err := exec.LookPath("chromedriver")
	if err != nil {
		t.Skip("chromedriver not installed")
	}
	dir := t.TempDir()
	count := filepath.Join(dir, "starts")
	script := fmt.Sprintf(`#!/bin/sh
echo x >> %q
if [ "$(wc -l < %q)" -le %d ]; then exit 1; fi
exec %q "$@"
`, count, count, failures, real)
	path = filepath.Join(dir, "chromedriver")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, func() int {
		b, _ := os.ReadFile(count)
		return strings.Count(string(b), "\n")
	}
}

func TestChromedriverThatExitsEarlyIsStartedAgain(t *testing.T) {
	browsertest.ChromiumPath(t)
	path, starts := flakyChromedriver(t, 2)
	p, err := local.New(local.Config{ChromedriverPath: path, MaxSessions: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(t.Context()) })
	sess, err := p.Acquire(t.Context(), browser.AcquireOptions{})
	if err != nil {
		t.Fatalf("two early exits then a working chromedriver: %v", err)
	}
	_ = sess.Close(t.Context())
	if n := starts(); n != 3 {
		t.Errorf("chromedriver started %d times, want 3", n)
	}

	always, _ := flakyChromedriver(t, 1000)
	q, err := local.New(local.Config{ChromedriverPath: always, MaxSessions: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close(t.Context()) })
	if _, err := q.Acquire(t.Context(), browser.AcquireOptions{}); err == nil || !strings.Contains(err.Error(), "exited before listening") || !strings.Contains(err.Error(), "3 times") {
		t.Fatalf("a chromedriver that always exits: %v", err)
	}
}
