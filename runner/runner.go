// Package runner runs a set of tests in this process: the engine behind
// `argus run` and `argus demo`. It needs no database: each test gets a fresh
// browser from a provider, an agent carries it out, steps go to the report
// recorder, and passing model runs are saved as replays beside the tests.
//
// The server does not use this package; its workers schedule one agent per
// River job and record into PostgreSQL.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
	"github.com/argusqa/argus/video"
)

// Config configures a Runner. Fields document their defaults.
type Config struct {
	// Browser hands out one browser session per test. Required. The
	// runner does not close it.
	Browser browser.Provider

	// Agent is the agent configuration every test uses; its Model nil
	// means no model: explicit steps and saved replays run, goal-only
	// tests without a replay are skipped.
	Agent agent.Config

	// BaseURL is the application under test; test URLs resolve against it.
	// Required unless every test has an absolute URL.
	BaseURL string

	// Parallel is how many tests run at once. Default 5, the per-node
	// browser cap.
	Parallel int

	// Target is the address policy every request of the browsers must
	// pass (see browser.EgressPolicy). Nil allows every address but cloud
	// metadata.
	Target *netpolicy.Policy
	// AllowedOrigins are origins beyond the base URL's and each test's
	// start URL's that navigations may reach.
	AllowedOrigins []string
	// BlockThirdParty refuses every request outside those origins.
	BlockThirdParty bool

	// Secrets are the values behind {{secret.NAME}} placeholders, by name.
	// A test that uses a secret missing here does not start (error).
	Secrets map[string]string

	// ReplayDir, when set, keeps every test's replays in this one
	// directory. Default: .argus/replays beside each test's file, so
	// replays can be committed with the tests.
	ReplayDir string
	// NoReplay runs every test from scratch and saves nothing.
	NoReplay bool

	// ReportDir receives screenshots and videos (and, from the caller,
	// the HTML report). Empty keeps neither.
	ReportDir string
	// Video is the video mode of tests without a video: key of their own.
	// Default off. Recordings need ReportDir: they go to
	// ReportDir/videos/<slug>.webm.
	Video video.Mode
	// VideoConfig configures recordings (ffmpeg, size cap).
	VideoConfig video.Config

	// Mailbox, when set, gives every test that uses email
	// (suite.Test.UsesEmail) a fresh address in it. A test that uses email
	// without one does not start (error).
	Mailbox *Mailbox

	// Personas are the identities tests may run as (suite.Test.Persona),
	// by name: a suite's personas: documents. A test naming one missing
	// here does not start (error).
	Personas map[string]*suite.Persona

	// Roles are the prompt roles tests may name (suite.Test.Role).
	// Default: the built-in ones.
	Roles suite.Roles

	// Progress shows the run as it happens. Default: none.
	Progress report.Progress

	// Logger receives diagnostics. Default: discard.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Parallel <= 0 {
		c.Parallel = browser.DefaultMaxSessions
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Progress == nil {
		c.Progress = silent{}
	}
	if c.Roles == nil {
		c.Roles = suite.NewRoles(nil)
	}
	if c.Agent.Logger == nil {
		c.Agent.Logger = c.Logger
	}
	return c
}

func (c Config) validate() error {
	if c.Browser == nil {
		return errors.New("runner: no browser provider")
	}
	if c.BaseURL != "" {
		if err := suite.CheckURL(c.BaseURL); err != nil {
			return fmt.Errorf("base URL: %w", err)
		}
	}
	return nil
}

// Mailbox is the test mailbox of a run: addresses are
// name-xxxxx@Label.Domain, read through Reader.
type Mailbox struct {
	Label, Domain string
	Reader        mail.Reader
}

// Runner runs tests.
type Runner struct {
	cfg   Config
	agent *agent.Agent
}

// New returns a Runner for cfg.
func New(cfg Config) (*Runner, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a, err := agent.New(cfg.Agent)
	if err != nil {
		return nil, err
	}
	return &Runner{cfg: cfg, agent: a}, nil
}

// Run runs tests, at most Parallel at once, and returns one TestRun per
// test in the order given. Tests of a plan (suite.Test.Plan) run as its
// graph says (package plan): a test starts once the tests it needs have
// passed, with the values they remembered, and is skipped with the reason
// when one did not pass. Independent tests and plan branches share the
// Parallel browsers. A test that cannot start (a missing secret, a browser
// that does not launch) is reported in its TestRun; tests not yet started
// when ctx ends are reported as skipped.
func (r *Runner) Run(ctx context.Context, tests []*suite.Test) []report.TestRun {
	s := newSchedule(tests)
	slugs := report.Slugs(tests)
	var wg sync.WaitGroup
	for range min(r.cfg.Parallel, len(tests)) {
		wg.Go(func() {
			for {
				i, vars, ok := s.next()
				if !ok {
					return
				}
				run := r.runOne(ctx, tests[i], slugs[i], vars)
				r.cfg.Progress.Finished(run)
				for _, skipped := range s.finish(i, run) {
					r.cfg.Progress.Finished(skipped)
				}
			}
		})
	}
	wg.Wait()
	return s.runs
}

// runOne carries out one test from start to report.
// vars are the values the tests it needs remembered, when t is a plan's.
func (r *Runner) runOne(ctx context.Context, t *suite.Test, slug string, vars map[string]string) report.TestRun {
	log := r.cfg.Logger.With("test", t.Name)
	if err := ctx.Err(); err != nil {
		return report.Skipped(t, "the run was cancelled before this test started")
	}
	// The values of earlier tests are written in before the task is built;
	// the replay stays keyed by the test as written.
	expanded, err := t.ExpandVars(vars)
	if err != nil {
		return report.TestRun{Test: t, StartErr: err, Started: time.Now()}
	}
	dir := filepath.Dir(t.Pos.File)
	task, err := agent.TaskFromTest(expanded, r.cfg.BaseURL, dir, r.cfg.Secrets)
	if err != nil {
		return report.TestRun{Test: t, StartErr: err, Started: time.Now()}
	}
	task.Key = t.Hash()
	task.Vars = vars
	task.Remember = t.Plan != nil
	if t.Persona != "" {
		p := r.cfg.Personas[t.Persona]
		if p == nil {
			// Running the test as nobody would not be the test.
			return report.TestRun{Test: t, Started: time.Now(),
				StartErr: fmt.Errorf("test %q runs as persona %q, which this suite does not define: add it to a personas: document beside the tests, or run on a server whose project has it (argus run --server)", t.Name, t.Persona)}
		}
		task.Persona = &agent.Persona{Name: p.Name, DisplayName: p.DisplayName, Email: p.Email, Username: p.Username,
			PasswordSecret: p.PasswordSecret, TOTPSecret: p.TOTPSecret, Locale: p.Locale, Timezone: p.Timezone, UserAgent: p.UserAgent}
	}
	if t.Role != "" {
		role, ok := r.cfg.Roles[t.Role]
		if !ok {
			return report.TestRun{Test: t, Started: time.Now(), StartErr: errors.New(r.cfg.Roles.Unknown(t.Role))}
		}
		task.Role = &role
	}
	if t.UsesEmail() {
		if r.cfg.Mailbox == nil {
			return report.TestRun{Test: t, StartErr: errors.New("this test uses email, but no test mailbox runs"), Started: time.Now()}
		}
		mb := r.cfg.Mailbox
		task.Inbox = &agent.Inbox{Address: mail.NewAddress(mail.AddressPrefix(t.Name), mb.Label, mb.Domain), Reader: mb.Reader}
	}
	replays := r.replayDir(t)
	if !r.cfg.NoReplay {
		task.Replay, err = replays.Load(task.Key)
		if err != nil {
			log.Warn("ignoring an unreadable saved replay", "error", err)
			task.Replay = nil
		}
	}
	if len(task.Steps) == 0 && task.Replay == nil && r.cfg.Agent.Model == nil {
		return report.Skipped(t, report.SkipNoModel)
	}

	rec, err := report.NewRecorder(report.RecorderConfig{
		Dir: r.cfg.ReportDir, Test: t, Slug: slug, Logger: log,
		OnStep: func(s report.Step) { r.cfg.Progress.Step(t, s) },
	})
	if err != nil {
		return report.TestRun{Test: t, StartErr: err, Started: time.Now()}
	}
	r.cfg.Progress.Started(t)

	ctx, cancel := context.WithTimeout(ctx, t.Timeout)
	defer cancel()
	egress, err := r.egress(ctx, task)
	if err != nil {
		return rec.Finish(nil, err)
	}
	sess, err := r.cfg.Browser.Acquire(ctx, browser.AcquireOptions{AgentID: slug, Identity: task.Persona.Identity(), Egress: egress})
	if err != nil {
		return rec.Finish(nil, fmt.Errorf("could not get a browser: %w", err))
	}
	mode := video.Resolve(video.Mode(t.Video), r.cfg.Video)
	var recording *video.Recording
	if mode.Records() && r.cfg.ReportDir != "" {
		if recording, err = video.Start(ctx, r.cfg.VideoConfig, sess); err != nil {
			log.Warn("the test is not recorded", "error", err)
			recording = nil
		}
	}
	res, err := r.agent.Run(ctx, sess, task, rec)
	// The session is closed even when the test's deadline has passed.
	closeCtx, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	if cerr := sess.Close(closeCtx); cerr != nil {
		log.Warn("closing the browser", "error", cerr)
	}
	cancelClose()
	videoPath := ""
	if recording != nil {
		videoPath = r.keepVideo(context.WithoutCancel(ctx), recording, mode, res, err, slug, log)
	}

	if err == nil && res.Verdict == agent.VerdictPassed && res.Replay != nil && !r.cfg.NoReplay {
		if serr := replays.Save(res.Replay); serr != nil {
			log.Warn("could not save the replay; the next run will use the model again", "error", serr)
		} else {
			log.Info("saved replay", "dir", replays.Dir, "steps", len(res.Replay.Steps))
		}
	}
	tr := rec.Finish(res, err)
	tr.Video = videoPath
	return tr
}

// keepVideo writes a test's recording into the report directory when its
// mode keeps tests that ended so, and returns its path there ("" when it
// is not kept).
func (r *Runner) keepVideo(ctx context.Context, rec *video.Recording, mode video.Mode, res *agent.Result, runErr error, slug string, log *slog.Logger) string {
	status := "error"
	if runErr == nil && res != nil {
		status = string(res.Verdict)
	}
	if !mode.Keep(status) {
		rec.Discard(ctx)
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	data, err := rec.Finish(ctx)
	if err == nil {
		err = os.MkdirAll(filepath.Join(r.cfg.ReportDir, "videos"), 0o755)
	}
	rel := "videos/" + slug + ".webm"
	if err == nil {
		err = os.WriteFile(filepath.Join(r.cfg.ReportDir, filepath.FromSlash(rel)), data, 0o644)
	}
	if err != nil {
		log.Warn("the test's video could not be kept", "error", err)
		return ""
	}
	return rel
}

func (r *Runner) replayDir(t *suite.Test) agent.ReplayDir {
	if r.cfg.ReplayDir != "" {
		return agent.ReplayDir{Dir: r.cfg.ReplayDir}
	}
	return agent.ReplayDir{Dir: filepath.Join(filepath.Dir(t.Pos.File), suite.CacheDir, "replays")}
}

// silent is the Progress of a run nobody watches.
type silent struct{}

func (silent) Started(*suite.Test)           {}
func (silent) Step(*suite.Test, report.Step) {}
func (silent) Finished(report.TestRun)       {}
func (silent) Close()                        {}

// egress is the target policy of one test's browser: the run's address
// policy (private addresses allowed unless it says otherwise: a CLI run
// usually tests the developer's own machine), the task's origins and the
// run's allowed ones.
func (r *Runner) egress(ctx context.Context, task agent.Task) (*browser.EgressPolicy, error) {
	policy := r.cfg.Target
	if policy == nil {
		policy = &netpolicy.Policy{AllowPrivate: true}
	}
	return browser.EgressFor(ctx, policy, browser.AgentTarget{
		BaseURL: task.BaseURL, StartURL: task.StartURL,
		AllowedOrigins: r.cfg.AllowedOrigins, BlockThirdParty: r.cfg.BlockThirdParty,
	})
}
