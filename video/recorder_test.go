package video_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
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
// WebM with a duration. The frames are noise VP8 cannot shrink, made
// here and handed over one by one, so the cap is reached after a known
// number of frames however busy the machine is.
func TestSizeCap(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (apt-get install ffmpeg)")
	}
	// At 5 frames a second VP8 holds noise near its 600 kbit/s budget,
	// a key frame twice that: at 240x150 about 18 kB a frame and ffmpeg's
	// own stop keeps the file under the cap; at 320x200 about 30 kB and
	// the file runs past it, to be cut by a stream copy.
	for _, c := range []struct {
		name string
		w, h int
	}{{"stopped by ffmpeg", 240, 150}, {"cut after", 320, 200}} {
		t.Run(c.name, func(t *testing.T) {
			frames := noiseFrames(t, 6, c.w, c.h)
			sc := &handFed{}
			ctx := t.Context()
			const capBytes = 128 << 10
			rec, err := video.Start(ctx, video.Config{MaxBytes: capBytes}, sc)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Unix(1_800_000_000, 0)
			const most = 2000
			n := 0
			for ; !rec.Truncated(); n++ {
				if n == most {
					t.Fatalf("%d frames of noise and the recording is not cut, %d went to ffmpeg", most, rec.Frames())
				}
				sc.onFrame(browser.Frame{JPEG: frames[n%len(frames)], Time: start.Add(time.Duration(n) * 200 * time.Millisecond)})
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
			t.Logf("%d frames offered, %d taken, %d bytes", n, rec.Frames(), len(data))
		})
	}
}

// handFed is a browser that can only screencast, and only the frames the
// test hands it.
type handFed struct {
	browser.Session
	onFrame func(browser.Frame)
}

func (h *handFed) Screencast(_ context.Context, _ browser.ScreencastOptions, onFrame func(browser.Frame)) (func(context.Context) error, error) {
	h.onFrame = onFrame
	return func(context.Context) error { return nil }, nil
}

// noiseFrames returns n JPEGs of random pixels.
func noiseFrames(t *testing.T, n, w, h int) [][]byte {
	t.Helper()
	rnd := rand.New(rand.NewPCG(1, 2))
	out := make([][]byte, n)
	for i := range out {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for p := range img.Pix {
			img.Pix[p] = byte(rnd.Uint32())
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		out[i] = buf.Bytes()
	}
	return out
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
