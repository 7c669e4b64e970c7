package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/client"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// runRemote is `argus run --server`: the test files are sent to the
// server (which keeps them as the project's tests), a run of the selected
// tests is started there, its progress is streamed back, and the verdict is
// reported here as in local mode — summary, JUnit, exit code.
func runRemote(ctx context.Context, e *env, cfg *config.Config, tests []*suite.Test) error {
	switch {
	case cfg.APIKey == "":
		return &config.Error{Env: config.APIKey.Env, Flag: config.APIKey.Flag, Problem: "is required with ARGUS_SERVER: create a key in the web UI under API keys", Example: config.APIKey.Example}
	case cfg.Project == "":
		return &config.Error{Env: config.Project.Env, Flag: config.Project.Flag, Problem: "is required with ARGUS_SERVER: name the project the tests belong to", Example: config.Project.Example}
	case cfg.ReportDir != "":
		return usagef("--report is for in-process runs; with --server, open the run's page in the web UI (its link is printed)")
	}

	c, err := client.New(client.Config{BaseURL: cfg.Server, APIKey: cfg.APIKey, UserAgent: "argus-cli/" + version})
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	project, err := findProject(ctx, c, cfg.Project)
	if err != nil {
		return err
	}
	ch, err := readChange(ctx, e, cfg)
	if err != nil {
		return err
	}
	ids, local, err := syncTests(ctx, c, project.ID, tests)
	if err != nil {
		return err
	}

	started := time.Now()
	commit, branch := cmp.Or(cfg.Commit, e.getenv("GITHUB_SHA")), cmp.Or(cfg.Branch, e.getenv("GITHUB_REF_NAME"))
	var run *client.Run
	if ch != nil && len(ch.files) == 0 && len(ch.commits) == 0 {
		fmt.Fprintln(e.stdout, "selection: the change is empty; nothing to run")
		return nil
	}
	if ch != nil && describePlans(tests) != "" {
		return usagef("--changed-files and --since pick single tests; run a plan without them (its tests run as its graph says)")
	}
	if ch == nil && describePlans(tests) != "" {
		return runRemotePlans(ctx, e, cfg, c, project, tests, ids, local, commit, branch, started)
	}
	if ch != nil {
		// The server picks among the project's tests and starts the run
		// of its choice in the same request.
		sel, err := c.Select(ctx, project.ID, client.SelectRequest{ChangedFiles: ch.files, Commits: ch.commits,
			CommitSHA: commit, Branch: branch}, uuid.NewString())
		if err != nil {
			return remoteError("selecting the tests of the change", err)
		}
		printSelection(e, sel)
		if sel.Run == nil {
			return nil
		}
		run, ids = sel.Run, make([]uuid.UUID, len(sel.Tests))
		for i, t := range sel.Tests {
			ids[i] = t.ID
		}
	} else if run, err = startRemoteRun(ctx, c, project.ID, client.RunRequest{TestIDs: ids, CommitSHA: commit, Branch: branch}); err != nil {
		return remoteError("starting the run", err)
	}
	fmt.Fprintf(e.stdout, "run %s started on %s: %d %s\n", run.ID, cfg.Server, len(ids), plural(len(ids), "test", "tests"))
	if run.Links.UI != "" {
		fmt.Fprintf(e.stdout, "follow it at %s\n", run.Links.UI)
	}

	final, runs, err := watchRemote(ctx, e, c, run, local)
	if err != nil {
		return err
	}
	// In the order the tests were given; anything the server added last.
	order := func(t *suite.Test) int {
		if i := slices.Index(tests, t); i >= 0 {
			return i
		}
		return len(tests)
	}
	slices.SortStableFunc(runs, func(a, b report.TestRun) int { return cmp.Compare(order(a.Test), order(b.Test)) })
	return reportRemote(e, cfg, project, []*client.Run{final}, runs, started)
}

// syncTests sends the test files to the project and returns the server's
// ids of the tests, in their order, and the tests by name.
func syncTests(ctx context.Context, c *client.Client, project uuid.UUID, tests []*suite.Test) ([]uuid.UUID, map[string]*suite.Test, error) {
	files, err := testFiles(tests)
	if err != nil {
		return nil, nil, err
	}
	synced, err := c.SyncTestFiles(ctx, project, files)
	if err != nil {
		return nil, nil, remoteError("sending the test files", err)
	}
	byName := map[string]uuid.UUID{}
	for _, s := range synced {
		byName[s.Name] = s.ID
	}
	var ids []uuid.UUID
	local := map[string]*suite.Test{}
	for _, t := range tests {
		id, ok := byName[t.Name]
		if !ok {
			return nil, nil, fmt.Errorf("the server did not take test %q (%s); it answered with %d tests", t.Name, t.Pos, len(synced))
		}
		ids = append(ids, id)
		local[t.Name] = t
	}
	return ids, local, nil
}

// watchRemote shows the run's progress until it ends, then reads its
// result and every agent's steps. An interrupt cancels the run on the
// server. The progress display is closed on every path.
func watchRemote(ctx context.Context, e *env, c *client.Client, run *client.Run, local map[string]*suite.Test) (*client.Run, []report.TestRun, error) {
	progress := report.NewProgress(e.stdout, isTerminal(e.stdout))
	defer progress.Close()
	followErr := followRemote(ctx, c, run, local, progress)
	if ctx.Err() != nil {
		progress.Close()
		cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := c.CancelRun(cancelCtx, run.ID); err != nil {
			fmt.Fprintf(e.stderr, "argus run: could not cancel run %s on the server: %v\n", run.ID, err)
		}
		return nil, nil, &exitError{code: exitUsage, msg: "interrupted: the run was cancelled on the server"}
	}
	if followErr != nil {
		return nil, nil, remoteError("following the run", followErr)
	}
	final, err := c.Run(ctx, run.ID)
	if err != nil {
		return nil, nil, remoteError("reading the run's result", err)
	}
	runs := make([]report.TestRun, 0, len(final.Agents))
	for _, a := range final.Agents {
		steps, err := c.Steps(ctx, a.ID)
		if err != nil {
			return nil, nil, remoteError("reading the steps of "+a.TestName, err)
		}
		runs = append(runs, remoteTestRun(a, steps, local[a.TestName]))
	}
	return final, runs, nil
}

// reportRemote writes the JUnit file and the summary, and turns the
// verdicts into the exit code.
func reportRemote(e *env, cfg *config.Config, project *client.Project, finals []*client.Run, runs []report.TestRun, started time.Time) error {
	info := report.RunInfo{Name: "argus " + project.Name, Started: started, Elapsed: time.Since(started), BaseURL: project.BaseURL, JUnitPath: cfg.JUnitPath}
	for _, final := range finals {
		for _, a := range final.Agents {
			if a.Model != "" {
				info.Model = a.Model
			}
		}
	}
	if cfg.JUnitPath != "" {
		if err := report.WriteJUnitFile(cfg.JUnitPath, runs, info); err != nil {
			return fmt.Errorf("JUnit report: %w", err)
		}
	}
	if err := report.PrintSummary(e.stdout, runs, info); err != nil {
		return err
	}
	for _, final := range finals {
		if final.Links.UI != "" {
			fmt.Fprintf(e.stdout, "Run page: %s\n", final.Links.UI)
		}
	}
	if code := report.ExitCode(runs); code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// findProject resolves a project given by id or name.
func findProject(ctx context.Context, c *client.Client, ref string) (*client.Project, error) {
	projects, err := c.Projects(ctx)
	if err != nil {
		return nil, remoteError("listing projects", err)
	}
	var names []string
	for i, p := range projects {
		if p.ID.String() == ref || strings.EqualFold(p.Name, ref) {
			return &projects[i], nil
		}
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return nil, usagef("project %q not found: this tenant has no projects yet; create one in the web UI", ref)
	}
	return nil, usagef("project %q not found; the projects are: %s", ref, strings.Join(names, ", "))
}

// testFiles reads each file the tests come from, once.
func testFiles(tests []*suite.Test) ([]client.TestFile, error) {
	seen := map[string]bool{}
	var files []client.TestFile
	for _, t := range tests {
		if seen[t.Pos.File] {
			continue
		}
		seen[t.Pos.File] = true
		data, err := os.ReadFile(t.Pos.File)
		if err != nil {
			return nil, err
		}
		files = append(files, client.TestFile{Path: t.Pos.File, Content: string(data)})
	}
	return files, nil
}

// startRemoteRun starts the run, retrying a failed connection with the same
// idempotency key so a retry never starts a second run.
func startRemoteRun(ctx context.Context, c *client.Client, project uuid.UUID, req client.RunRequest) (*client.Run, error) {
	key := uuid.NewString()
	var err error
	for attempt := range 3 {
		var run *client.Run
		if run, err = c.StartRun(ctx, project, req, key); err == nil || client.IsClientError(err) || ctx.Err() != nil {
			return run, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * time.Second):
		}
	}
	return nil, err
}

// followRemote shows the run's live events until it ends.
func followRemote(ctx context.Context, c *client.Client, run *client.Run, local map[string]*suite.Test, progress report.Progress) error {
	names := map[uuid.UUID]string{}
	for _, a := range run.Agents {
		names[a.ID] = a.TestName
	}
	begun := map[uuid.UUID]bool{}
	ended := map[uuid.UUID]bool{}
	stepsSeen := map[uuid.UUID][]client.Step{}
	testOf := func(name string) *suite.Test {
		if t, ok := local[name]; ok {
			return t
		}
		return &suite.Test{Name: name}
	}
	return c.FollowRun(ctx, run.ID, func(ev client.Event) error {
		switch ev.Type {
		case "step":
			var s client.Step
			if json.Unmarshal(ev.Data, &s) != nil {
				return nil
			}
			name := names[s.AgentID]
			if !begun[s.AgentID] {
				begun[s.AgentID] = true
				progress.Started(testOf(name))
			}
			stepsSeen[s.AgentID] = append(stepsSeen[s.AgentID], s)
			progress.Step(testOf(name), reportStep(s))
		case "agent":
			var a client.Agent
			if json.Unmarshal(ev.Data, &a) != nil {
				return nil
			}
			names[a.ID] = a.TestName
			if a.Status == "running" && !begun[a.ID] {
				begun[a.ID] = true
				progress.Started(testOf(a.TestName))
			}
			if a.Status.Final() && !ended[a.ID] {
				ended[a.ID] = true
				progress.Finished(remoteTestRun(a, stepsSeen[a.ID], local[a.TestName]))
			}
		}
		return nil
	})
}

// remoteTestRun turns the server's agent into the report's TestRun.
func remoteTestRun(a client.Agent, steps []client.Step, t *suite.Test) report.TestRun {
	if t == nil {
		t = &suite.Test{Name: a.TestName}
	}
	res := &agent.Result{
		Verdict: agent.Verdict(a.Status), Summary: a.Summary, Reason: a.ErrorReason, FailedStep: -1,
		Iterations: a.Iterations, Usage: llm.Usage{InputTokens: a.InputTokens, OutputTokens: a.OutputTokens},
		Steps: len(steps), Mode: "server",
	}
	if a.DurationMS != nil {
		res.Duration = time.Duration(*a.DurationMS) * time.Millisecond
	}
	if a.ErrorReason == store.ReasonPlanSkipped {
		// A plan's node whose need did not pass: not run, and why.
		return report.Skipped(t, a.Summary)
	}
	run := report.TestRun{Test: t, Result: res}
	if a.StartedAt != nil {
		run.Started = *a.StartedAt
	}
	for _, s := range steps {
		if s.Attempt != a.Attempt && a.Attempt != 0 {
			continue // earlier attempts are on the server's agent page
		}
		rs := reportStep(s)
		run.Steps = append(run.Steps, rs)
		if rs.InputTokens > 0 {
			res.ModelCalls++
		}
	}
	if a.Status == "failed" || a.Status == "error" {
		for i := len(run.Steps) - 1; i >= 0; i-- {
			if run.Steps[i].Failed {
				res.FailedStep = i
				break
			}
		}
	}
	return run
}

func reportStep(s client.Step) report.Step {
	return report.Step{
		Index: s.Index, Thought: s.Thought, Action: s.Action, Args: s.Args, Outcome: s.Outcome, URL: s.URL,
		ObserveMS: s.ObserveMS, ModelMS: s.ModelMS, ActMS: s.ActMS, InputTokens: int64(s.InputTokens), OutputTokens: int64(s.OutputTokens),
		Time: s.CreatedAt,
	}
}

// remoteError says what failed and, for the server's 4xx answers, makes it
// bad input (exit code 2).
func remoteError(doing string, err error) error {
	if client.IsClientError(err) {
		return &usageError{msg: doing + ": " + err.Error()}
	}
	var p *client.Problem
	if errors.As(err, &p) {
		return &exitError{code: exitUsage, msg: doing + ": " + err.Error()}
	}
	return &exitError{code: exitUsage, msg: doing + ": " + err.Error() + " (is the server reachable?)"}
}
