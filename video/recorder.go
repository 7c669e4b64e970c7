package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/argusqa/argus/browser"
)

// ContentType is the media type of a recording.
const ContentType = "video/webm"

// ErrNoFrames: the browser painted nothing while it was recorded.
var ErrNoFrames = errors.New("video: no frames were recorded")

// Recording is one browser being recorded. Its methods are safe for
// concurrent use; frames arrive on the screencast's goroutine.
type Recording struct {
	cfg  Config
	stop func(context.Context) error
	dir  string
	out  string

	mu      sync.Mutex
	prev    *browser.Frame
	frames  int // frames written to ffmpeg
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stderr  bytes.Buffer
	waited  chan struct{}
	waitErr error
	broken  error // why no more frames go to ffmpeg
	ended   bool
}

// Start begins recording sess, which must be a browser.Screencaster
// (ErrUnsupported otherwise), with ffmpeg from cfg. ffmpeg itself starts
// with the first frame, sized by it.
func Start(ctx context.Context, cfg Config, sess browser.Session) (*Recording, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	sc, ok := sess.(browser.Screencaster)
	if !ok {
		return nil, browser.ErrNoScreencast
	}
	if _, err := exec.LookPath(cfg.FFmpeg); err != nil {
		return nil, fmt.Errorf("video: ffmpeg is needed to record (apt-get install ffmpeg, or make deps): %w", err)
	}
	dir, err := os.MkdirTemp("", "argus-video-")
	if err != nil {
		return nil, fmt.Errorf("video: %w", err)
	}
	r := &Recording{cfg: cfg, dir: dir, out: filepath.Join(dir, "video.webm")}
	stop, err := sc.Screencast(ctx, browser.ScreencastOptions{Quality: cfg.Quality}, r.onFrame)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	r.stop = stop
	return r, nil
}

// onFrame lays the previous frame on the output's clock for as long as it
// was on screen (at most MaxGapSeconds), then keeps the new one.
func (r *Recording) onFrame(f browser.Frame) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended || r.broken != nil {
		return
	}
	if r.prev == nil {
		r.prev = &f
		return
	}
	n := r.framesFor(f.Time.Sub(r.prev.Time))
	if n == 0 {
		// Painted again within one output frame: the newer picture wins.
		r.prev = &f
		return
	}
	r.write(r.prev.JPEG, n)
	r.prev = &f
}

// framesFor is how many output frames a picture shown for d takes.
func (r *Recording) framesFor(d time.Duration) int {
	n := int(math.Round(d.Seconds() * float64(r.cfg.FPS)))
	return min(max(n, 0), r.cfg.MaxGapSeconds*r.cfg.FPS)
}

// write sends one JPEG n times to ffmpeg, starting ffmpeg first if needed.
// Called with r.mu held.
func (r *Recording) write(img []byte, n int) {
	if r.cmd == nil {
		if err := r.startFFmpeg(img); err != nil {
			r.broken = err
			return
		}
	}
	for range n {
		if _, err := r.stdin.Write(img); err != nil {
			// ffmpeg stopped reading: the size cap was reached (it exits
			// after finishing the file) or it failed, which Finish reports.
			r.broken = err
			return
		}
		r.frames++
	}
}

func (r *Recording) startFFmpeg(first []byte) error {
	ic, err := jpeg.DecodeConfig(bytes.NewReader(first))
	if err != nil {
		return fmt.Errorf("video: the first frame is not a JPEG: %w", err)
	}
	// VP8 in yuv420p wants even sizes; later frames of another size (a
	// resized window) are scaled into the same box.
	w, h := ic.Width&^1, ic.Height&^1
	vf := fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2,format=yuv420p", w, h, w, h)
	cmd := exec.Command(r.cfg.FFmpeg, "-hide_banner", "-loglevel", "error", "-y",
		"-f", "image2pipe", "-framerate", strconv.Itoa(r.cfg.FPS), "-c:v", "mjpeg", "-i", "pipe:0",
		"-vf", vf, "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "600k", "-crf", "32",
		"-an", "-fs", strconv.FormatInt(fsLimit(r.cfg.MaxBytes), 10), "-cluster_size_limit", strconv.FormatInt(clusterLimit(r.cfg.MaxBytes), 10), "-cluster_time_limit", "1000",
		"-f", "webm", r.out)
	cmd.Stderr = &limitedWriter{w: &r.stderr, n: 8 << 10}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("video: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("video: start ffmpeg: %w", err)
	}
	r.cmd, r.stdin, r.waited = cmd, stdin, make(chan struct{})
	go func() {
		err := cmd.Wait()
		r.mu.Lock()
		r.waitErr = err
		r.mu.Unlock()
		close(r.waited)
	}()
	return nil
}

// clusterLimit is the largest WebM cluster ffmpeg buffers before writing
// it out (its default is 5 MB or 5 s, far beyond small caps).
func clusterLimit(maxBytes int64) int64 {
	return min(max(maxBytes/8, 8<<10), 1<<20)
}

// fsLimit is the size at which ffmpeg is told to stop: it checks after
// writing a cluster, so it overshoots by up to a cluster; the margin keeps
// the file under the cap.
func fsLimit(maxBytes int64) int64 {
	return maxBytes - 2*clusterLimit(maxBytes)
}

// Finish stops the screencast, holds the last picture until now (at most
// MaxGapSeconds, at least one frame), lets ffmpeg finish the file and
// returns it. ctx bounds the wait for ffmpeg, which is killed when it
// ends. The recording's temporary files are gone afterwards.
func (r *Recording) Finish(ctx context.Context) ([]byte, error) {
	defer os.RemoveAll(r.dir)
	r.stopFrames(ctx)
	r.mu.Lock()
	if r.prev != nil && r.broken == nil {
		r.write(r.prev.JPEG, max(r.framesFor(time.Since(r.prev.Time)), 1))
	}
	r.ended = true
	cmd, stdin, waited, broken := r.cmd, r.stdin, r.waited, r.broken
	r.mu.Unlock()
	if cmd == nil {
		if broken != nil {
			return nil, broken
		}
		return nil, ErrNoFrames
	}
	_ = stdin.Close()
	select {
	case <-waited:
	case <-ctx.Done():
		_ = cmd.Process.Kill() // not the group: once reaped, its id may be another's
		<-waited
		return nil, fmt.Errorf("video: ffmpeg did not finish the file: %w", ctx.Err())
	}
	r.mu.Lock()
	waitErr, stderr := r.waitErr, strings.TrimSpace(r.stderr.String())
	r.mu.Unlock()
	data, err := os.ReadFile(r.out)
	if err != nil || len(data) == 0 {
		return nil, fmt.Errorf("video: ffmpeg wrote no file (%v): %s", waitErr, stderr)
	}
	if waitErr != nil {
		// The size cap ends ffmpeg with an error after it finalised the
		// file; anything it wrote is a playable prefix of the run.
		r.cfg.Logger.Info("video: ffmpeg ended early; keeping what it wrote", "bytes", len(data), "err", waitErr, "stderr", stderr)
	}
	// ffmpeg's -fs is checked after a cluster, and the frames of a busy
	// page can carry a file past the cap; a stream copy of its beginning
	// (no re-encoding) brings it under, still playable.
	for _, share := range []int64{90, 75, 50, 25} {
		if int64(len(data)) <= r.cfg.MaxBytes {
			return data, nil
		}
		trimmed, err := r.trim(ctx, r.cfg.MaxBytes*share/100)
		if err != nil {
			return nil, err
		}
		data = trimmed
	}
	if int64(len(data)) > r.cfg.MaxBytes {
		return nil, fmt.Errorf("video: ffmpeg wrote %d bytes, over the cap of %d", len(data), r.cfg.MaxBytes)
	}
	return data, nil
}

// trim copies the beginning of the recording, up to about limit bytes,
// into a file of its own and returns it.
func (r *Recording) trim(ctx context.Context, limit int64) ([]byte, error) {
	out := filepath.Join(r.dir, "trimmed.webm")
	// The muxer writes a cluster at a time and -fs is checked between
	// them: small clusters make the cut land near the limit.
	cluster := clusterLimit(limit)
	cmd := exec.CommandContext(ctx, r.cfg.FFmpeg, "-hide_banner", "-loglevel", "error", "-y",
		"-i", r.out, "-c", "copy", "-fs", strconv.FormatInt(limit-cluster, 10),
		"-cluster_size_limit", strconv.FormatInt(cluster, 10), "-cluster_time_limit", "1000", "-f", "webm", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		// -fs ends ffmpeg with an error once it finished the file.
		r.cfg.Logger.Debug("video: ffmpeg trim ended", "err", err, "output", strings.TrimSpace(string(msg)))
	}
	data, err := os.ReadFile(out)
	if err != nil || len(data) == 0 {
		return nil, fmt.Errorf("video: the recording is over its cap of %d bytes and could not be cut: %v", r.cfg.MaxBytes, err)
	}
	return data, nil
}

// Discard stops the recording and throws it away.
func (r *Recording) Discard(ctx context.Context) {
	r.stopFrames(ctx)
	r.mu.Lock()
	r.ended = true
	cmd, stdin, waited := r.cmd, r.stdin, r.waited
	r.mu.Unlock()
	if cmd != nil {
		_ = stdin.Close()
		_ = cmd.Process.Kill() // not the group: once reaped, its id may be another's
		<-waited
	}
	_ = os.RemoveAll(r.dir)
}

// stopFrames ends the screencast; a session already closed has stopped
// sending frames, so failures are of no consequence.
func (r *Recording) stopFrames(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_ = r.stop(sctx)
}

// Truncated reports whether ffmpeg stopped taking frames before the end,
// which is what reaching the size cap looks like.
func (r *Recording) Truncated() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cmd != nil && r.broken != nil
}

// Frames reports how many frames were handed to ffmpeg so far.
func (r *Recording) Frames() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.frames
}

// limitedWriter keeps the first n bytes written to it and drops the rest,
// so a chatty ffmpeg cannot grow memory.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
