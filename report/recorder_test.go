package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

// testPNG encodes a small real image.
func testPNG(t testing.TB, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 20))
	for x := 0; x < 32; x++ {
		for y := 0; y < 20; y++ {
			img.Set(x, y, color.RGBA{shade, uint8(x * 8), uint8(y * 12), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRecorderWritesScreenshotsAsStepsArrive(t *testing.T) {
	dir := t.TempDir()
	test := &suite.Test{Name: "Log in"}
	var seen []Step
	var rec *Recorder
	rec, err := NewRecorder(RecorderConfig{Dir: dir, Test: test, OnStep: func(s Step) {
		// The file is on disk before anyone hears of the step: a crash
		// from here on keeps it.
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(s.Screenshot)))
		if err != nil {
			t.Errorf("step %d: screenshot not on disk when the step is passed on: %v", s.Index, err)
		} else if !bytes.HasPrefix(data, []byte(pngMagic)) {
			t.Errorf("step %d: file is not the PNG", s.Index)
		}
		if len(rec.Steps()) != s.Index+1 {
			t.Errorf("step %d passed on before it was kept", s.Index)
		}
		seen = append(seen, s)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Slug() != "log-in" {
		t.Errorf("slug = %q", rec.Slug())
	}
	if _, err := os.Stat(filepath.Join(dir, ScreenshotsDir)); !os.IsNotExist(err) {
		t.Errorf("screenshot directory made before any screenshot: %v", err)
	}
	shots := [][]byte{testPNG(t, 0), testPNG(t, 100), testPNG(t, 200)}
	for i, shot := range shots {
		step := agent.Step{Index: i, Action: "click", Args: map[string]any{"index": i}, Outcome: fmt.Sprint("did ", i), Screenshot: shot, ActMS: i, Time: base}
		if err := rec.RecordStep(t.Context(), step); err != nil {
			t.Fatal(err)
		}
	}
	steps := rec.Steps()
	if len(steps) != 3 || len(seen) != 3 {
		t.Fatalf("kept %d steps, passed on %d", len(steps), len(seen))
	}
	for i, s := range steps {
		want := fmt.Sprintf("screenshots/log-in/%03d.png", i)
		if s.Screenshot != want || s.Outcome != fmt.Sprint("did ", i) || s.Args["index"] != i || s.ActMS != i || !s.Time.Equal(base) {
			t.Errorf("step %d = %+v, want screenshot %s", i, s, want)
		}
		data, err := os.ReadFile(filepath.Join(dir, "screenshots", "log-in", fmt.Sprintf("%03d.png", i)))
		if err != nil || !bytes.Equal(data, shots[i]) {
			t.Errorf("screenshot %d on disk differs: %v", i, err)
		}
	}
	// Steps returns a copy: callers cannot change the record.
	steps[0].Outcome = "changed"
	if rec.Steps()[0].Outcome != "did 0" {
		t.Error("Steps() shares its slice with the recorder")
	}
}

func TestRecorderWithoutReportDir(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	rec, err := NewRecorder(RecorderConfig{Test: &suite.Test{Name: "Log in"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.RecordStep(t.Context(), agent.Step{Index: 0, Action: "navigate", Screenshot: testPNG(t, 1)}); err != nil {
		t.Fatal(err)
	}
	if s := rec.Steps(); len(s) != 1 || s[0].Screenshot != "" || s[0].Action != "navigate" {
		t.Errorf("steps = %+v", s)
	}
	if entries, _ := os.ReadDir(cwd); len(entries) != 0 {
		t.Errorf("without a report directory nothing may be written, found %v", entries)
	}
}

func TestRecorderRemovesOldScreenshots(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "screenshots", "checkout", "007.png")
	other := filepath.Join(dir, "screenshots", "log-in", "000.png")
	for _, p := range []string{old, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, testPNG(t, 9), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewRecorder(RecorderConfig{Dir: dir, Test: &suite.Test{Name: "Checkout"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("a screenshot of an earlier run survived: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another test's screenshots were removed: %v", err)
	}
}

func TestRecorderImageFormats(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	rec, err := NewRecorder(RecorderConfig{Dir: dir, Test: &suite.Test{Name: "Formats"},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for i, shot := range [][]byte{jpg.Bytes(), []byte("<html>not an image</html>"), nil} {
		if err := rec.RecordStep(ctx, agent.Step{Index: i, Screenshot: shot}); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	steps := rec.Steps()
	if steps[0].Screenshot != "screenshots/formats/000.jpg" {
		t.Errorf("JPEG stored as %q", steps[0].Screenshot)
	}
	if steps[1].Screenshot != "" || steps[2].Screenshot != "" {
		t.Errorf("non-images must not be stored: %q, %q", steps[1].Screenshot, steps[2].Screenshot)
	}
	if !strings.Contains(logs.String(), "screenshot dropped") || !strings.Contains(logs.String(), "step=1") {
		t.Errorf("a dropped screenshot must be logged: %q", logs.String())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "screenshots", "formats"))
	if len(entries) != 1 {
		t.Errorf("files = %v, want only the JPEG", entries)
	}
}

// A screenshot that cannot be written fails the step, which ends the agent
// in error: a run that cannot be audited is not a result.
func TestRecorderWriteFailure(t *testing.T) {
	dir := t.TempDir()
	called := false
	rec, err := NewRecorder(RecorderConfig{Dir: dir, Test: &suite.Test{Name: "x"}, OnStep: func(Step) { called = true }})
	if err != nil {
		t.Fatal(err)
	}
	// The report directory goes bad while the agent runs.
	if err := os.WriteFile(filepath.Join(dir, ScreenshotsDir), []byte("a file where a directory belongs"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = rec.RecordStep(t.Context(), agent.Step{Index: 0, Screenshot: testPNG(t, 0)})
	if err == nil || !strings.Contains(err.Error(), "screenshot directory") {
		t.Fatalf("err = %v", err)
	}
	if called || len(rec.Steps()) != 0 {
		t.Error("a step that could not be recorded was kept or passed on")
	}
	if err := rec.RecordStep(t.Context(), agent.Step{Index: -1}); err == nil {
		t.Error("a negative step index must be refused")
	}
	// A report directory that is unusable from the start fails at once.
	if _, err := NewRecorder(RecorderConfig{Dir: dir, Test: &suite.Test{Name: "y"}}); err == nil || !strings.Contains(err.Error(), `remove old screenshots of "y"`) {
		t.Errorf("NewRecorder in a broken report directory: err = %v", err)
	}
}

func TestRecorderConfigErrors(t *testing.T) {
	cases := []struct {
		cfg  RecorderConfig
		want string
	}{
		{RecorderConfig{}, "no test"},
		{RecorderConfig{Test: &suite.Test{Name: "x"}, Slug: "../etc"}, `slug "../etc"`},
		{RecorderConfig{Test: &suite.Test{Name: "x"}, Slug: "a/b"}, `slug "a/b"`},
	}
	for _, c := range cases {
		if _, err := NewRecorder(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewRecorder(%+v) error = %v, want %q", c.cfg, err, c.want)
		}
	}
}

func TestRecorderFinish(t *testing.T) {
	test := &suite.Test{Name: "Sign up", Goal: "Sign up."}
	rec, err := NewRecorder(RecorderConfig{Test: test})
	if err != nil {
		t.Fatal(err)
	}
	if run := rec.Finish(nil, fmt.Errorf("run: %w", agent.ErrNoModel)); run.Status() != StatusSkipped || run.SkipReason != SkipNoModel || run.StartErr != nil {
		t.Errorf("no model: %+v", run)
	}
	boom := errors.New("chromedriver did not start")
	if run := rec.Finish(nil, boom); run.Status() != StatusError || !errors.Is(run.StartErr, boom) || run.Started.IsZero() {
		t.Errorf("start error: %+v", run)
	}
	if err := rec.RecordStep(t.Context(), agent.Step{Index: 0, Action: "navigate"}); err != nil {
		t.Fatal(err)
	}
	res := &agent.Result{Verdict: agent.VerdictPassed, FailedStep: -1, Duration: time.Second}
	run := rec.Finish(res, nil)
	if run.Status() != StatusPassed || run.Result != res || len(run.Steps) != 1 || run.Test != test {
		t.Errorf("finished: %+v", run)
	}
}

// Several agents record at once, each into its own Recorder, while a
// progress display reads what they kept. Run with -race.
func TestRecordersConcurrently(t *testing.T) {
	dir := t.TempDir()
	tests := make([]*suite.Test, 5)
	for i := range tests {
		tests[i] = &suite.Test{Name: "Log in"} // same names: Slugs keeps them apart
	}
	slugs := Slugs(tests)
	shot := testPNG(t, 7)
	var wg sync.WaitGroup
	recs := make([]*Recorder, len(tests))
	var mu sync.Mutex
	passed := 0
	for i, tt := range tests {
		rec, err := NewRecorder(RecorderConfig{Dir: dir, Test: tt, Slug: slugs[i], OnStep: func(Step) { mu.Lock(); passed++; mu.Unlock() }})
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = rec
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 20 {
				if err := rec.RecordStep(t.Context(), agent.Step{Index: j, Screenshot: shot}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 20 {
				_ = rec.Steps()
			}
		}()
	}
	wg.Wait()
	if passed != 100 {
		t.Errorf("OnStep called %d times, want 100", passed)
	}
	for i, rec := range recs {
		if n := len(rec.Steps()); n != 20 {
			t.Errorf("recorder %d kept %d steps", i, n)
		}
		entries, err := os.ReadDir(filepath.Join(dir, "screenshots", slugs[i]))
		if err != nil || len(entries) != 20 {
			t.Errorf("recorder %d wrote %d files: %v", i, len(entries), err)
		}
	}
}
