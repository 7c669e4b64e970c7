package video_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/video"
)

// Probe returns the duration ffprobe reads from a WebM, failing the test
// when ffprobe cannot read it as one.
func probe(t *testing.T, data []byte) float64 {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed (apt-get install ffmpeg)")
	}
	path := filepath.Join(t.TempDir(), "v.webm")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=format_name,duration", "-of", "default=nw=1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	var format string
	var dur float64
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "format_name="); ok {
			format = v
		}
		if v, ok := strings.CutPrefix(line, "duration="); ok {
			dur, _ = strconv.ParseFloat(v, 64)
		}
	}
	if !strings.Contains(format, "webm") {
		t.Fatalf("ffprobe reads format %q, want webm: %s", format, out)
	}
	return dur
}

func session(t *testing.T) browser.Session {
	t.Helper()
	browsertest.ChromiumPath(t)
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (apt-get install ffmpeg)")
	}
	p, err := local.New(local.Config{MaxSessions: 1})
	if err != nil {
		t.Skipf("no local browser: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	s, err := p.Acquire(t.Context(), browser.AcquireOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// TestRecordsAPlayableWebM: a real Chromium clicking through a page that
// changes is recorded into a WebM that ffprobe reads with a duration.
func TestRecordsAPlayableWebM(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Count</title><button onclick="this.textContent = 'Clicked ' + (++n)">Click me</button><script>var n = 0</script>`)
	}))
	defer srv.Close()
	s := session(t)
	ctx := t.Context()
	rec, err := video.Start(ctx, video.Config{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Navigate(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := s.Click(ctx, browser.Target{Role: "button"}); err != nil {
			t.Fatalf("click %d: %v", i, err)
		}
	}
	data, err := rec.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Frames() == 0 {
		t.Fatal("no frames went to ffmpeg")
	}
	if d := probe(t, data); d <= 0 {
		t.Fatalf("duration %v, want > 0", d)
	}
	t.Logf("%d frames, %d bytes", rec.Frames(), len(data))
}

// TestSizeCap: a recording over MaxBytes stops at the cap and is still a
// WebM with a duration.
func TestSizeCap(t *testing.T) {
	// Noise repainted on every animation frame: VP8 cannot shrink it, so
	// the cap is met within seconds.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><canvas id=c width=640 height=400></canvas>
<script>var c=document.getElementById('c').getContext('2d'),d=c.createImageData(640,400);
function paint(){for(var i=0;i<d.data.length;i+=65536)crypto.getRandomValues(d.data.subarray(i,Math.min(i+65536,d.data.length)));for(var i=3;i<d.data.length;i+=4)d.data[i]=255;c.putImageData(d,0,0);requestAnimationFrame(paint)}paint()</script>`)
	}))
	defer srv.Close()
	s := session(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	const capBytes = 128 << 10
	rec, err := video.Start(ctx, video.Config{MaxBytes: capBytes, Quality: 90}, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Navigate(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	// Each round trip to the page lets frames through; ctx bounds the
	// loop (the script fails when it ends).
	for !rec.Truncated() {
		if _, err := s.ExecuteScript(ctx, "return 1"); err != nil {
			t.Fatal(err)
		}
	}
	data, err := rec.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > capBytes {
		t.Fatalf("%d bytes, over the cap of %d", len(data), capBytes)
	}
	if d := probe(t, data); d <= 0 {
		t.Fatalf("duration %v, want > 0", d)
	}
	t.Logf("%d frames, %d bytes", rec.Frames(), len(data))
}

func TestMode(t *testing.T) {
	for _, c := range []struct {
		mode   video.Mode
		status string
		keep   bool
	}{
		{video.On, "passed", true}, {video.On, "failed", true},
		{video.OnFailure, "passed", false}, {video.OnFailure, "failed", true}, {video.OnFailure, "error", true},
		{video.OnFailure, "cancelled", false}, {video.Off, "failed", false},
	} {
		if got := c.mode.Keep(c.status); got != c.keep {
			t.Errorf("%s.Keep(%s) = %v, want %v", c.mode, c.status, got, c.keep)
		}
	}
	if video.Off.Records() || !video.OnFailure.Records() {
		t.Error("Records")
	}
	if _, err := video.ParseMode("sometimes"); err == nil {
		t.Error("ParseMode accepted sometimes")
	}
	if m := video.Resolve("", video.OnFailure); m != video.OnFailure {
		t.Errorf("Resolve = %s", m)
	}
	if m := video.Resolve(video.Off, video.On); m != video.Off {
		t.Errorf("Resolve = %s, the test's own mode wins", m)
	}
}
