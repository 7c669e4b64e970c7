package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

// ScreenshotsDir is the directory, inside the report directory, that holds
// one directory of screenshots per test.
const ScreenshotsDir = "screenshots"

// RecorderConfig configures a Recorder for one test.
type RecorderConfig struct {
	// Dir is the report directory. Empty means no report is written:
	// screenshots are dropped and nothing is created on disk.
	Dir string
	// Test is the test being recorded. Required.
	Test *suite.Test
	// Slug names the test's screenshot directory, Dir/screenshots/<Slug>.
	// Default Slug(Test.Name); a runner with several tests takes them from
	// Slugs so no two tests share a directory.
	Slug string
	// OnStep, when set, receives every step after it was stored, for live
	// progress. It is called on the agent's goroutine, one step at a time;
	// it must not block for long.
	OnStep func(Step)
	// Logger receives warnings about screenshots that cannot be kept.
	// Default: discard.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c RecorderConfig) WithDefaults() RecorderConfig {
	if c.Slug == "" && c.Test != nil {
		c.Slug = Slug(c.Test.Name)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c RecorderConfig) validate() error {
	var errs []error
	if c.Test == nil {
		errs = append(errs, errors.New("no test"))
	}
	if !validSlug(c.Slug) {
		errs = append(errs, fmt.Errorf("slug %q is not lower-case letters, digits and hyphens", c.Slug))
	}
	if len(errs) > 0 {
		return fmt.Errorf("report recorder: %w", errors.Join(errs...))
	}
	return nil
}

// Recorder records one test's steps for the reports. It implements
// agent.Recorder: each step's screenshot is written to
// <Dir>/screenshots/<slug>/<NNN>.png as the step arrives, so a crash keeps
// what was recorded; the step itself, without the image bytes, is kept in
// memory and passed to OnStep.
//
// A Recorder is safe for concurrent use: the agent records while a
// progress display or the runner reads Steps.
type Recorder struct {
	cfg     RecorderConfig
	dir     string // screenshot directory; "" when screenshots are dropped
	started time.Time

	mu      sync.Mutex
	steps   []Step
	madeDir bool
}

// NewRecorder returns a Recorder for cfg.Test. When a report directory is
// set, screenshots left in the test's directory by an earlier run are
// removed now, so the directory only ever shows this run.
func NewRecorder(cfg RecorderConfig) (*Recorder, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &Recorder{cfg: cfg, started: time.Now()}
	if cfg.Dir != "" {
		r.dir = filepath.Join(cfg.Dir, ScreenshotsDir, cfg.Slug)
		if err := os.RemoveAll(r.dir); err != nil {
			return nil, fmt.Errorf("report recorder: remove old screenshots of %q: %w", cfg.Test.Name, err)
		}
	}
	return r, nil
}

// RecordStep implements agent.Recorder. It fails only when a screenshot
// cannot be written, which ends the agent with verdict error: a run that
// cannot be audited is not a result. The context is not consulted: the last
// steps of a cancelled run are the ones most worth keeping.
func (r *Recorder) RecordStep(_ context.Context, s agent.Step) error {
	if s.Index < 0 {
		return fmt.Errorf("report recorder: step with negative index %d", s.Index)
	}
	shot, err := r.saveScreenshot(s)
	if err != nil {
		return err
	}
	st := StepFrom(s, shot)
	r.mu.Lock()
	r.steps = append(r.steps, st)
	r.mu.Unlock()
	if r.cfg.OnStep != nil {
		r.cfg.OnStep(st)
	}
	return nil
}

// saveScreenshot writes the step's image and returns its path relative to
// the report directory, "" when there is nothing to keep.
func (r *Recorder) saveScreenshot(s agent.Step) (string, error) {
	if r.dir == "" || len(s.Screenshot) == 0 {
		return "", nil
	}
	ext := imageExt(s.Screenshot)
	if ext == "" {
		// The agent promises PNG; anything else would be mislabelled and
		// unreadable in the report, so it is dropped, loudly.
		r.cfg.Logger.Warn("screenshot dropped: not a PNG or JPEG image", "test", r.cfg.Test.Name, "step", s.Index)
		return "", nil
	}
	name := fmt.Sprintf("%03d%s", s.Index, ext)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.madeDir {
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return "", fmt.Errorf("report recorder: screenshot directory: %w", err)
		}
		r.madeDir = true
	}
	if err := os.WriteFile(filepath.Join(r.dir, name), s.Screenshot, 0o644); err != nil {
		return "", fmt.Errorf("report recorder: screenshot of step %d: %w", s.Index, err)
	}
	return path.Join(ScreenshotsDir, r.cfg.Slug, name), nil
}

// File signatures of the image formats a screenshot may come in.
const (
	pngMagic  = "\x89PNG\r\n\x1a\n"
	jpegMagic = "\xFF\xD8\xFF"
)

func imageExt(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte(pngMagic)):
		return ".png"
	case bytes.HasPrefix(b, []byte(jpegMagic)):
		return ".jpg"
	}
	return ""
}

// Steps returns a copy of the steps recorded so far.
func (r *Recorder) Steps() []Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Step(nil), r.steps...)
}

// Slug is the test's slug: its screenshot directory and HTML anchor.
func (r *Recorder) Slug() string { return r.cfg.Slug }

// Finish returns the TestRun for what agent.Agent.Run returned: its result,
// or the error that kept it from starting (agent.ErrNoModel makes the test
// skipped rather than an error).
func (r *Recorder) Finish(res *agent.Result, err error) TestRun {
	run := TestRun{Test: r.cfg.Test, Result: res, Steps: r.Steps(), StartErr: err, Started: r.started}
	if errors.Is(err, agent.ErrNoModel) {
		run.SkipReason, run.StartErr, run.Started = SkipNoModel, nil, time.Time{}
	}
	return run
}
