package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/demo"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// `argus demo --serve`: after the demo run, the embedded server (the
// no-DATABASE_URL mode of `argus serve`) keeps running with the demo shop
// as a project, its tests, and the run just made recorded as a run of
// that project, so a newcomer sees the web UI in one command.

// demoServeSettings are read by `argus demo` for --serve only.
var demoServeSettings = []config.Setting{config.DemoListen, config.DemoDataDir}

// demoProjectName is the project the demo shop becomes on the server.
const demoProjectName = "Demo shop"

// serveDemo runs the embedded server for the demo until ctx ends. appURL
// is where the demo shop listens; runs is what the demo just ran; model is
// the model the demo used ("" for none).
func serveDemo(ctx context.Context, e *env, cfg *config.Config, appURL string, runs []report.TestRun, model string) error {
	cfg.DatabaseURL = ""
	cfg.EmbeddedWorker = true // nothing else can reach the embedded database
	cfg.BlobDir = filepath.Join(cfg.DataDir, "blobs")
	var admin *app.Principal
	var email, password string
	return serve(ctx, e, cfg, serveHooks{
		signIn: func(ctx context.Context, st *store.Store) (err error) {
			admin, email, password, err = demoAdmin(ctx, st)
			return err
		},
		ready: func(ctx context.Context, a *app.App, serverURL string) error {
			runURL, err := setUpDemoProject(ctx, a, admin, appURL, cfg.ReportDir, runs, model)
			if err != nil {
				return fmt.Errorf("recording the demo on the server: %w", err)
			}
			fmt.Fprintf(e.stdout, "\nThe demo is in the web UI:\n  %s\n  e-mail:   %s\n  password: %s\n", serverURL, email, password)
			if runURL != "" {
				fmt.Fprintf(e.stdout, "  the run just made: %s%s\n", serverURL, runURL)
			}
			fmt.Fprintln(e.stdout, "Re-run its tests from there; the demo shop keeps running. Press Ctrl-C to stop.")
			return nil
		},
		publicURLOfListener: true,
	})
}

// demoAdmin returns the administrator of the demo's database, created on
// the first start, and a password it can sign in with: the demo's
// database is its own, so each start sets a fresh one to print.
func demoAdmin(ctx context.Context, st *store.Store) (*app.Principal, string, string, error) {
	has, err := st.HasUsers(ctx)
	if err != nil {
		return nil, "", "", err
	}
	if !has {
		t, u, pw, err := createFirstAdmin(ctx, st)
		if err != nil {
			return nil, "", "", err
		}
		return &app.Principal{TenantID: t.ID, Role: store.RoleAdmin, UserID: &u.ID}, u.Email, pw, nil
	}
	t, err := st.FindTenant(ctx, store.Slugify(firstTenantName))
	if err != nil {
		return nil, "", "", fmt.Errorf("the demo's tenant %q: %w (remove %s to start the demo afresh)", firstTenantName, err, config.DemoDataDir.Env)
	}
	u, err := st.FindUserByEmail(ctx, firstAdminEmail)
	if err != nil {
		return nil, "", "", fmt.Errorf("the demo's administrator %s: %w (remove the demo's data directory to start afresh)", firstAdminEmail, err)
	}
	pw := generatePassword()
	if err := st.SetPassword(ctx, u.ID, pw); err != nil {
		return nil, "", "", err
	}
	return &app.Principal{TenantID: t.ID, Role: store.RoleAdmin, UserID: &u.ID}, u.Email, pw, nil
}

// setUpDemoProject makes the demo shop a project pointing at appURL (its
// port changes every start), stores the demo's secrets and tests, and
// records the run. It returns the run's page ("" when no test ran).
func setUpDemoProject(ctx context.Context, a *app.App, p *app.Principal, appURL, reportDir string, runs []report.TestRun, model string) (string, error) {
	projects, err := a.ListProjects(ctx, p)
	if err != nil {
		return "", err
	}
	var project *store.Project
	for i := range projects {
		if projects[i].Name == demoProjectName {
			project = &projects[i]
		}
	}
	if project == nil {
		saved, err := a.CreateProject(ctx, p, app.ProjectInput{Name: demoProjectName, BaseURL: appURL})
		if err != nil {
			return "", err
		}
		project = saved.Project
	} else if _, err := a.UpdateProject(ctx, p, project.ID, app.ProjectChanges{BaseURL: &appURL}); err != nil {
		return "", err
	}
	for name, value := range demo.Secrets() {
		if err := a.PutSecret(ctx, p, project.ID, name, value); err != nil {
			return "", err
		}
	}
	files, err := demoSuiteFiles()
	if err != nil {
		return "", err
	}
	if _, err := a.SyncTestFiles(ctx, p, project.ID, files); err != nil {
		return "", err
	}
	// The suite's personas become the project's, so its plan runs from
	// the web UI as it ran here.
	for _, f := range files {
		parsed, err := suite.ParseFile(f.Path, []byte(f.Content))
		if err != nil {
			return "", err
		}
		for _, pe := range parsed.Personas {
			if _, err := a.PutPersona(ctx, p, project.ID, pe.Name, store.PersonaInput{DisplayName: pe.DisplayName, Email: pe.Email,
				Username: pe.Username, PasswordSecret: pe.PasswordSecret, TOTPSecret: pe.TOTPSecret,
				Locale: pe.Locale, Timezone: pe.Timezone, UserAgent: pe.UserAgent}); err != nil {
				return "", fmt.Errorf("persona %q: %w", pe.Name, err)
			}
		}
	}
	agents, err := localAgents(runs, reportDir, model)
	if err != nil || len(agents) == 0 {
		return "", err
	}
	run, err := a.RecordLocalRun(ctx, p, app.LocalRun{Project: project.ID, Agents: agents})
	if err != nil {
		return "", err
	}
	return "/runs/" + run.ID.String(), nil
}

// demoSuiteFiles reads the demo suite's files from where loadDemoSuite
// takes them: the checkout's demo/suite, else the embedded copy.
func demoSuiteFiles() ([]app.TestFile, error) {
	var fsys fs.FS = demo.SuiteFS()
	if st, err := os.Stat(filepath.Join("demo", demo.SuiteDir)); err == nil && st.IsDir() {
		fsys = os.DirFS("demo")
	}
	names, err := fs.Glob(fsys, path.Join(demo.SuiteDir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	files := make([]app.TestFile, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files = append(files, app.TestFile{Path: n, Content: string(b)})
	}
	return files, nil
}

// localAgents turns the demo's results into agents to record: each test
// that ran, with its steps and the screenshots the report kept. Skipped
// tests did not run and are not recorded.
func localAgents(runs []report.TestRun, reportDir, model string) ([]app.LocalAgent, error) {
	var out []app.LocalAgent
	for i := range runs {
		r := &runs[i]
		if r.Status() == report.StatusSkipped || r.Test == nil {
			continue
		}
		started := r.Started
		if started.IsZero() {
			started = time.Now()
		}
		ag := app.LocalAgent{Screenshots: map[int][]byte{}}
		ag.TestName, ag.Model, ag.StartedAt, ag.FinishedAt = r.Test.Name, model, started, started.Add(r.Duration())
		switch {
		case r.Result == nil:
			ag.Status, ag.Summary, ag.ErrorReason = store.StatusError, r.Message(), "start"
		default:
			ag.Status = store.StatusError
			switch r.Result.Verdict {
			case agent.VerdictPassed:
				ag.Status = store.StatusPassed
			case agent.VerdictFailed:
				ag.Status = store.StatusFailed
			}
			ag.Summary, ag.ErrorReason = r.Result.Summary, r.Result.Reason
			ag.Iterations, ag.InputTokens, ag.OutputTokens = r.Result.Iterations, r.Result.Usage.InputTokens, r.Result.Usage.OutputTokens
		}
		for _, s := range r.Steps {
			ag.Steps = append(ag.Steps, store.Step{Index: s.Index, Thought: s.Thought, Action: s.Action, Args: s.Args,
				Outcome: s.Outcome, URL: s.URL, ObserveMS: s.ObserveMS, ModelMS: s.ModelMS, ActMS: s.ActMS,
				InputTokens: int(s.InputTokens), OutputTokens: int(s.OutputTokens), Failed: s.Failed, CreatedAt: s.Time})
			if s.Screenshot == "" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(reportDir, filepath.FromSlash(s.Screenshot)))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("the screenshot of %q: %w", r.Test.Name, err)
			}
			ag.Screenshots[s.Index] = b
		}
		out = append(out, ag)
	}
	return out, nil
}

// listenerURL is the URL a person opens to reach ln: its address, with
// localhost for an unspecified host.
func listenerURL(ln net.Listener) string {
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return "http://" + ln.Addr().String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}).String()
}
