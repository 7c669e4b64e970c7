package mcp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

// LocalConfig configures a LocalBackend.
type LocalConfig struct {
	// Dir holds the test files (searched recursively, like `argus run
	// DIR`); save_test writes under it. Required.
	Dir string
	// Runner is the in-process runner's configuration: browsers, model,
	// base URL, secrets, replays. Its Progress is set per run. Required:
	// Runner.Browser.
	Runner runner.Config
	// MaxRuns is how many finished runs are kept for get_run and
	// get_agent. Default 50.
	MaxRuns int
}

// DefaultMaxRuns is LocalConfig.MaxRuns' default.
const DefaultMaxRuns = 50

// LocalBackend runs test files in this process (`argus mcp`): nothing is
// stored but the files save_test writes and, while the process lives, the
// last runs and their screenshots (in Runner.ReportDir).
type LocalBackend struct {
	cfg LocalConfig

	saveMu sync.Mutex // one save_test at a time: it stages the file in place

	mu    sync.Mutex
	runs  map[string]*localRun
	order []string
}

type localRun struct {
	id     string
	agents []*localAgent
	done   bool
}

type localAgent struct {
	id     string
	test   *suite.Test
	status string
	steps  []report.Step
	result *report.TestRun
}

// NewLocalBackend checks cfg and returns the Backend of `argus mcp`.
func NewLocalBackend(cfg LocalConfig) (*LocalBackend, error) {
	if cfg.Dir == "" {
		return nil, errors.New("mcp: LocalConfig.Dir is required")
	}
	if cfg.Runner.Browser == nil {
		return nil, errors.New("mcp: LocalConfig.Runner.Browser is required")
	}
	if cfg.Runner.ReportDir == "" {
		return nil, errors.New("mcp: LocalConfig.Runner.ReportDir is required: screenshots are read from it")
	}
	if cfg.MaxRuns <= 0 {
		cfg.MaxRuns = DefaultMaxRuns
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("mcp: test directory: %w", err)
	}
	cfg.Dir = abs
	return &LocalBackend{cfg: cfg, runs: map[string]*localRun{}}, nil
}

// localError is bad input to a local tool: the same sentence `argus run`
// prints.
type localError struct{ msg string }

func (e *localError) Error() string { return e.msg }

func (b *LocalBackend) load() ([]*suite.Test, error) {
	tests, err := suite.Load(b.cfg.Dir)
	if errors.Is(err, suite.ErrNoTests) {
		return nil, nil
	}
	if err != nil {
		return nil, &localError{err.Error()}
	}
	return tests, nil
}

func (b *LocalBackend) testOf(t *suite.Test) Test {
	file := t.Pos.File
	if rel, err := filepath.Rel(b.cfg.Dir, file); err == nil {
		file = filepath.ToSlash(rel)
	}
	steps := make([]string, len(t.Steps))
	for i, s := range t.Steps {
		steps[i] = s.String()
	}
	return Test{Name: t.Name, URL: t.URL, Goal: t.Goal, Steps: steps, Tags: t.Tags, File: file}
}

// ListTests lists the test files' tests.
func (b *LocalBackend) ListTests(_ context.Context, in ListTestsInput) ([]Test, error) {
	tests, err := b.load()
	if err != nil {
		return nil, err
	}
	out := []Test{}
	search := strings.ToLower(strings.TrimSpace(in.Search))
	for _, t := range tests {
		if !slices.ContainsFunc(in.Tags, func(tag string) bool { return !t.HasTag(strings.ToLower(strings.TrimSpace(tag))) }) &&
			(search == "" || strings.Contains(strings.ToLower(t.Name+"\n"+t.Goal), search)) {
			out = append(out, b.testOf(t))
		}
	}
	return out, nil
}

// selectTests picks tests as `argus run --name/--tag` does: names match
// by case-insensitive substring, tags any of them; nothing given is all.
func (b *LocalBackend) selectTests(in RunTestsInput) ([]*suite.Test, error) {
	if in.Adhoc() {
		if len(in.Names) > 0 || len(in.Tags) > 0 {
			return nil, &localError{"give either names/tags or an ad-hoc goal/steps and URL, not both"}
		}
		t, probs := suite.Draft{Name: adhocName(in), URL: in.URL, Goal: in.Goal, Steps: in.Steps}.Check()
		if len(probs) > 0 {
			msgs := make([]string, len(probs))
			for i, p := range probs {
				msgs[i] = p.Field + ": " + p.Message
			}
			return nil, &localError{"the ad-hoc test is not valid: " + strings.Join(msgs, "; ")}
		}
		t.Pos = suite.Position{File: filepath.Join(b.cfg.Dir, "(ad-hoc)")}
		return []*suite.Test{t}, nil
	}
	tests, err := b.load()
	if err != nil {
		return nil, err
	}
	if len(tests) == 0 {
		return nil, &localError{fmt.Sprintf("no test files in %s; write one with save_test", b.cfg.Dir)}
	}
	var kept []*suite.Test
	for _, t := range tests {
		if len(in.Tags) > 0 && !slices.ContainsFunc(in.Tags, t.HasTag) {
			continue
		}
		if len(in.Names) > 0 && !slices.ContainsFunc(in.Names, func(n string) bool {
			return strings.Contains(strings.ToLower(t.Name), strings.ToLower(n))
		}) {
			continue
		}
		kept = append(kept, t)
	}
	if len(kept) == 0 {
		return nil, &localError{fmt.Sprintf("no test matches names %v tags %v (%d tests loaded)", in.Names, in.Tags, len(tests))}
	}
	return kept, nil
}

func adhocName(in RunTestsInput) string {
	name := in.Goal
	if name == "" && len(in.Steps) > 0 {
		name = in.Steps[0]
	}
	if r := []rune(name); len(r) > 60 {
		name = string(r[:60]) + "…"
	}
	return "ad-hoc: " + name
}

// RunTests runs the selected tests in this process.
func (b *LocalBackend) RunTests(ctx context.Context, in RunTestsInput, progress func(Progress)) (*Run, error) {
	tests, err := b.selectTests(in)
	if err != nil {
		return nil, err
	}
	run := &localRun{id: uuid.NewString()}
	for _, t := range tests {
		run.agents = append(run.agents, &localAgent{id: uuid.NewString(), test: t, status: "queued"})
	}
	b.mu.Lock()
	b.runs[run.id] = run
	b.order = append(b.order, run.id)
	for len(b.order) > b.cfg.MaxRuns {
		delete(b.runs, b.order[0])
		b.order = b.order[1:]
	}
	b.mu.Unlock()

	rc := b.cfg.Runner
	rc.Progress = &localProgress{b: b, run: run, progress: progress}
	r, err := runner.New(rc)
	if err != nil {
		return nil, err
	}
	if in.NoWait {
		// The run outlives the call; it ends with the process.
		go b.finish(run, r.Run(context.WithoutCancel(ctx), tests))
		return b.GetRun(ctx, run.id)
	}
	b.finish(run, r.Run(ctx, tests))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return b.GetRun(ctx, run.id)
}

func (b *LocalBackend) finish(run *localRun, results []report.TestRun) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range results {
		ag := run.agents[i]
		ag.result = &results[i]
		ag.status = string(results[i].Status())
		ag.steps = results[i].Steps
	}
	run.done = true
}

// localProgress records a run's agents as they go and passes progress on.
type localProgress struct {
	b        *LocalBackend
	run      *localRun
	progress func(Progress)
	done     int
}

func (p *localProgress) agent(t *suite.Test) *localAgent {
	for _, a := range p.run.agents {
		if a.test == t {
			return a
		}
	}
	return nil
}

func (p *localProgress) Started(t *suite.Test) {
	p.b.mu.Lock()
	if a := p.agent(t); a != nil {
		a.status = "running"
	}
	done := p.done
	p.b.mu.Unlock()
	p.progress(Progress{Done: done, Total: len(p.run.agents), Message: t.Name + ": started"})
}

func (p *localProgress) Step(t *suite.Test, s report.Step) {
	p.b.mu.Lock()
	if a := p.agent(t); a != nil {
		a.steps = append(a.steps, s)
	}
	done := p.done
	p.b.mu.Unlock()
	p.progress(Progress{Done: done, Total: len(p.run.agents), Message: fmt.Sprintf("%s: step %d %s → %s", t.Name, s.Index, s.Action, s.Outcome)})
}

func (p *localProgress) Finished(r report.TestRun) {
	p.b.mu.Lock()
	if a := p.agent(r.Test); a != nil {
		a.status, a.result = string(r.Status()), &r
	}
	p.done++
	done := p.done
	p.b.mu.Unlock()
	p.progress(Progress{Done: done, Total: len(p.run.agents), Message: fmt.Sprintf("%s: %s", r.Name(), r.Status())})
}

func (p *localProgress) Close() {}

// GetRun returns a run of this process.
func (b *LocalBackend) GetRun(_ context.Context, id string) (*Run, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	run, ok := b.runs[strings.TrimSpace(id)]
	if !ok {
		return nil, &localError{fmt.Sprintf("no run %q in this session (the last %d runs are kept)", id, b.cfg.MaxRuns)}
	}
	out := &Run{ID: run.id, Finished: run.done, Agents: []Agent{}}
	statuses := map[string]bool{}
	for _, a := range run.agents {
		ag := b.agentOf(run, a, false)
		statuses[ag.Status] = true
		out.Agents = append(out.Agents, ag)
	}
	switch {
	case !run.done:
		out.Status = "running"
	case statuses["error"]:
		out.Status = "error"
	case statuses["failed"] || statuses["unexpected-pass"]:
		out.Status = "failed"
	default:
		out.Status = "passed"
	}
	return out, nil
}

func (b *LocalBackend) agentOf(run *localRun, a *localAgent, steps bool) Agent {
	out := Agent{ID: a.id, RunID: run.id, Test: a.test.Name, Status: a.status}
	if r := a.result; r != nil {
		out.Summary = r.Message()
		out.Reason = r.Reason()
		if r.Result != nil {
			out.Iterations = r.Result.Iterations
			if r.Result.FailedStep >= 0 {
				i := r.Result.FailedStep
				out.FailedStep = &i
			}
		}
	}
	if steps {
		for _, s := range a.steps {
			out.Steps = append(out.Steps, Step{Index: s.Index, Thought: s.Thought, Action: s.Action, Args: s.Args,
				Outcome: s.Outcome, Failed: s.Failed, URL: s.URL, HasScreenshot: s.Screenshot != ""})
		}
	}
	return out
}

func (b *LocalBackend) find(id string) (*localRun, *localAgent, error) {
	id = strings.TrimSpace(id)
	for _, run := range b.runs {
		for _, a := range run.agents {
			if a.id == id {
				return run, a, nil
			}
		}
	}
	return nil, nil, &localError{fmt.Sprintf("no agent %q in this session's runs", id)}
}

// GetAgent returns one test's execution with its steps.
func (b *LocalBackend) GetAgent(_ context.Context, id string) (*Agent, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	run, a, err := b.find(id)
	if err != nil {
		return nil, err
	}
	out := b.agentOf(run, a, true)
	return &out, nil
}

// Screenshot reads a step's screenshot from the report directory.
func (b *LocalBackend) Screenshot(_ context.Context, agent string, _ int, index int) ([]byte, string, error) {
	b.mu.Lock()
	_, a, err := b.find(agent)
	var rel string
	if err == nil {
		for _, s := range a.steps {
			if s.Index == index {
				rel = s.Screenshot
			}
		}
	}
	b.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	if rel == "" {
		return nil, "", &localError{fmt.Sprintf("step %d has no screenshot", index)}
	}
	data, err := os.ReadFile(filepath.Join(b.cfg.Runner.ReportDir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, "", fmt.Errorf("read screenshot: %w", err)
	}
	mime := "image/png"
	if ext := strings.ToLower(filepath.Ext(rel)); ext == ".jpg" || ext == ".jpeg" {
		mime = "image/jpeg"
	}
	return data, mime, nil
}

// SaveTest writes a test file under Dir after checking the whole suite
// with it in place, exactly as `argus run` would load it (syntax, steps,
// unique names, upload files); on any problem the previous content is
// restored and the problems, with file and line, are the answer.
func (b *LocalBackend) SaveTest(_ context.Context, in SaveTestInput) ([]Test, error) {
	rel := filepath.ToSlash(filepath.Clean(strings.TrimSpace(in.Path)))
	if in.Path == "" || filepath.IsAbs(in.Path) || rel == "." || strings.HasPrefix(rel, "../") || rel == ".." ||
		slices.ContainsFunc(strings.Split(rel, "/"), func(p string) bool { return strings.HasPrefix(p, ".") }) {
		return nil, &localError{fmt.Sprintf("path %q: give a path inside the test directory, such as tests/checkout.yaml", in.Path)}
	}
	if ext := strings.ToLower(filepath.Ext(rel)); ext != ".yaml" && ext != ".yml" {
		return nil, &localError{fmt.Sprintf("path %q: test files end in .yaml or .yml", in.Path)}
	}
	if len(in.YAML) > suite.MaxFileSize {
		return nil, &localError{fmt.Sprintf("the file is %d bytes; test files are at most %d bytes", len(in.YAML), suite.MaxFileSize)}
	}
	// Parse first, so a broken file never touches the disk.
	full := filepath.Join(b.cfg.Dir, filepath.FromSlash(rel))
	if _, err := suite.Parse(full, []byte(in.YAML)); err != nil {
		return nil, &localError{err.Error()}
	}
	b.saveMu.Lock()
	defer b.saveMu.Unlock()
	old, readErr := os.ReadFile(full)
	existed := readErr == nil
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, fmt.Errorf("save test: %w", err)
	}
	if err := writeFileAtomic(full, []byte(in.YAML)); err != nil {
		return nil, fmt.Errorf("save test: %w", err)
	}
	tests, err := suite.Load(b.cfg.Dir)
	if err != nil {
		if existed {
			err = errors.Join(err, writeFileAtomic(full, old))
		} else {
			err = errors.Join(err, os.Remove(full))
		}
		return nil, &localError{err.Error()}
	}
	var out []Test
	for _, t := range tests {
		if t.Pos.File == full {
			out = append(out, b.testOf(t))
		}
	}
	return out, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".argus-save-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
