package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// appBackend is the server's application layer for one principal: every
// call is an app.App method with the caller's Principal, so what MCP may
// see and do is exactly what the REST API allows that key.
type appBackend struct {
	app *app.App
	p   *app.Principal
}

// NewAppBackend returns the Backend of principal p on a.
func NewAppBackend(a *app.App, p *app.Principal) Backend { return &appBackend{app: a, p: p} }

// maxScreenshotBytes bounds one screenshot read into an answer.
const maxScreenshotBytes = 8 << 20

// project finds the project named by id or name; none given means the
// tenant's only project.
func (b *appBackend) project(ctx context.Context, ref string) (*store.Project, error) {
	ref = strings.TrimSpace(ref)
	if id, err := uuid.Parse(ref); err == nil {
		return b.app.GetProject(ctx, b.p, id)
	}
	projects, err := b.app.ListProjects(ctx, b.p)
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range projects {
		if ref != "" && strings.EqualFold(projects[i].Name, ref) {
			return &projects[i], nil
		}
		names = append(names, fmt.Sprintf("%q (%s)", projects[i].Name, projects[i].ID))
	}
	switch {
	case ref == "" && len(projects) == 1:
		return &projects[0], nil
	case len(projects) == 0:
		return nil, &app.Error{Code: app.CodeNotFound, Detail: "this tenant has no project yet; create one in the web UI or with POST /api/v1/projects"}
	case ref == "":
		return nil, &app.Error{Code: app.CodeInvalid, Detail: "say which project: " + strings.Join(names, ", "), Fields: []app.FieldError{{Field: "project", Message: "required when the tenant has several projects"}}}
	}
	return nil, &app.Error{Code: app.CodeNotFound, Detail: fmt.Sprintf("no project %q; the projects are %s", ref, strings.Join(names, ", "))}
}

func (b *appBackend) ListTests(ctx context.Context, in ListTestsInput) ([]Test, error) {
	proj, err := b.project(ctx, in.Project)
	if err != nil {
		return nil, err
	}
	var out []Test
	page := app.PageRequest{Limit: fmt.Sprint(store.MaxPageSize)}
	for {
		tests, next, err := b.app.ListTests(ctx, b.p, app.TestListRequest{Project: proj.ID, Search: in.Search, Tags: in.Tags, Page: page})
		if err != nil {
			return nil, err
		}
		for i := range tests {
			out = append(out, testOf(&tests[i], proj))
		}
		if next == nil || len(out) >= app.MaxRunTests {
			return out, nil
		}
		page.Cursor = next.String()
	}
}

func testOf(t *store.Test, proj *store.Project) Test {
	return Test{ID: t.ID.String(), Name: t.Name, URL: t.StartURL, Goal: t.Goal, Steps: t.Steps, Tags: t.Tags, Project: proj.Name}
}

func (b *appBackend) RunTests(ctx context.Context, in RunTestsInput, progress func(Progress)) (*Run, error) {
	if in.Adhoc() {
		return nil, &app.Error{Code: app.CodeInvalid, Detail: "on a server, save the test first with save_test and run it by name; ad-hoc tests run with `argus mcp` on your machine",
			Fields: []app.FieldError{{Field: "goal", Message: "ad-hoc tests are not stored on a server"}}}
	}
	proj, err := b.project(ctx, in.Project)
	if err != nil {
		return nil, err
	}
	started, err := b.app.StartRun(ctx, b.p, app.RunRequest{Project: proj.ID, Names: in.Names, Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	if !in.NoWait {
		w := &progressWatcher{total: len(started.Agents), progress: progress, done: map[uuid.UUID]bool{}, names: map[uuid.UUID]string{}}
		for _, ag := range started.Agents {
			w.names[ag.ID] = ag.TestName
		}
		finished, err := b.app.FollowRun(ctx, b.p, app.Follow{Run: started.Run.ID, Steps: true}, w)
		if err != nil && ctx.Err() == nil {
			return nil, err
		}
		if !finished && ctx.Err() != nil {
			// The client cancelled the call (or went away): so is the run.
			cctx := context.WithoutCancel(ctx)
			if _, err := b.app.CancelRun(cctx, b.p, started.Run.ID); err != nil {
				return nil, fmt.Errorf("cancel run %s: %w", started.Run.ID, err)
			}
			return nil, ctx.Err()
		}
	}
	return b.GetRun(ctx, started.Run.ID.String())
}

// progressWatcher turns a followed run into progress notifications.
type progressWatcher struct {
	total    int
	progress func(Progress)
	done     map[uuid.UUID]bool
	names    map[uuid.UUID]string
}

func (w *progressWatcher) Step(st *store.Step) error {
	w.progress(Progress{Done: len(w.done), Total: w.total, Message: fmt.Sprintf("%s: step %d %s → %s", w.names[st.AgentID], st.Index, st.Action, st.Outcome)})
	return nil
}

func (w *progressWatcher) Agent(ag *store.Agent) error {
	if ag.Status.Final() && !w.done[ag.ID] {
		w.done[ag.ID] = true
		w.progress(Progress{Done: len(w.done), Total: w.total, Message: fmt.Sprintf("%s: %s", ag.TestName, ag.Status)})
	}
	return nil
}

func (w *progressWatcher) Run(_ *store.Run, agents []store.Agent) error {
	for i := range agents {
		if err := w.Agent(&agents[i]); err != nil {
			return err
		}
	}
	return nil
}

func (w *progressWatcher) Heartbeat() error { return nil }

func parseID(raw, field string) (uuid.UUID, error) {
	id, err := uuid.Parse(strings.TrimSpace(raw))
	if err != nil {
		return uuid.Nil, &app.Error{Code: app.CodeInvalid, Detail: "not an id", Fields: []app.FieldError{{Field: field, Message: "not an id"}}}
	}
	return id, nil
}

func (b *appBackend) GetRun(ctx context.Context, raw string) (*Run, error) {
	id, err := parseID(raw, "run_id")
	if err != nil {
		return nil, err
	}
	d, err := b.app.GetRun(ctx, b.p, id)
	if err != nil {
		return nil, err
	}
	v := b.app.RunView(d.Run, d.Agents)
	r := &Run{ID: d.Run.ID.String(), Status: string(d.Run.Status), Finished: app.RunFinished(d.Agents), Link: v.Links.UI, Agents: []Agent{}}
	for i := range d.Agents {
		r.Agents = append(r.Agents, agentOf(&d.Agents[i]))
	}
	return r, nil
}

func agentOf(ag *store.Agent) Agent {
	return Agent{ID: ag.ID.String(), RunID: ag.RunID.String(), Test: ag.TestName, Status: string(ag.Status),
		Summary: ag.Summary, Reason: ag.ErrorReason, Iterations: ag.Iterations}
}

func (b *appBackend) GetAgent(ctx context.Context, raw string) (*Agent, error) {
	id, err := parseID(raw, "agent_id")
	if err != nil {
		return nil, err
	}
	d, err := b.app.AgentDetail(ctx, b.p, id)
	if err != nil {
		return nil, err
	}
	a := agentOf(d.Agent)
	for _, st := range d.Steps {
		a.Steps = append(a.Steps, Step{Index: st.Index, Attempt: st.Attempt, Thought: st.Thought, Action: st.Action,
			Args: st.Args, Outcome: st.Outcome, URL: st.URL, HasScreenshot: st.ScreenshotKey != "", Failed: st.Failed})
		// The agent's failed step is the last one that failed in its
		// latest attempt (an earlier attempt's is superseded).
		if st.Failed && st.Attempt == d.Agent.Attempt {
			i := st.Index
			a.FailedStep = &i
		}
	}
	return &a, nil
}

func (b *appBackend) Screenshot(ctx context.Context, raw string, attempt, index int) ([]byte, string, error) {
	id, err := parseID(raw, "agent_id")
	if err != nil {
		return nil, "", err
	}
	s, err := b.app.Screenshot(ctx, b.p, id, attempt, index)
	if err != nil {
		return nil, "", err
	}
	defer s.Body.Close()
	data, err := io.ReadAll(io.LimitReader(s.Body, maxScreenshotBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("read screenshot: %w", err)
	}
	if len(data) > maxScreenshotBytes {
		return nil, "", errors.New("the screenshot is larger than 8 MiB")
	}
	return data, s.ContentType, nil
}

func (b *appBackend) SaveTest(ctx context.Context, in SaveTestInput) ([]Test, error) {
	proj, err := b.project(ctx, in.Project)
	if err != nil {
		return nil, err
	}
	changes, err := b.app.SyncTestFiles(ctx, b.p, proj.ID, []app.TestFile{{Path: in.Path, Content: in.YAML}})
	if err != nil {
		return nil, err
	}
	out := make([]Test, len(changes))
	for i := range changes {
		out[i] = testOf(&changes[i].Test, proj)
		out[i].File, out[i].Change = in.Path, changes[i].Change
	}
	return out, nil
}
