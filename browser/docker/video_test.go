package docker

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/video"
)

// TestVideoFromAContainer: a browser in a container is recorded like a
// local one — its screencast frames come over the published BiDi port —
// and ffmpeg on the host makes a WebM ffprobe reads with a duration.
func TestVideoFromAContainer(t *testing.T) {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install ffmpeg)", tool)
		}
	}
	p := newTestProvider(t, Config{Docker: dockerClient(t), Network: "host", WarmSpares: -1})
	srv := browsertest.NewServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "video"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close(context.WithoutCancel(ctx)) }()
	rec, err := video.Start(ctx, video.Config{}, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/", "/form", "/"} {
		if err := s.Navigate(ctx, srv.URL(page)); err != nil {
			t.Fatal(err)
		}
	}
	data, err := rec.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.webm")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).CombinedOutput()
	d, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || d <= 0 {
		t.Fatalf("ffprobe: %v %s", err, out)
	}
	t.Logf("%d frames, %d bytes, %.2f s", rec.Frames(), len(data), d)
}
