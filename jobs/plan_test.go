package jobs_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// storedTests stores the tests of a suite's plan as the project's tests,
// as a sync of the files would, and the plan with them.
func storedPlan(t *testing.T, f *fixture, p *suite.Plan) *store.Plan {
	t.Helper()
	for _, tc := range p.Tests {
		steps := make([]string, len(tc.Steps))
		for i, s := range tc.Steps {
			steps[i] = s.String()
		}
		f.test(tc.Name, store.TestInput{StartURL: tc.URL, Goal: tc.Goal, Steps: steps, Persona: tc.Persona, Role: tc.Role})
	}
	sp, err := f.store.PutPlan(context.Background(), f.tenant.ID, f.project.ID, p.Name, p.Nodes())
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func demoApp(t *testing.T) string {
	t.Helper()
	srv, err := app.Start(context.Background(), app.ServerConfig{App: app.Config{BcryptCost: 4}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv.URL()
}

// TestPlanRunOnTheDemoShop runs the demo suite's plan on the server side:
// River jobs on real PostgreSQL, three agents in real Chromium as the
// project's personas (buyer, seller, buyer), each started only after the
// one it needs passed, the order number the first remembered reaching the
// others. Then a plan whose first node fails: its dependent is skipped,
// saying why, without a browser.
func TestPlanRunOnTheDemoShop(t *testing.T) {
	base := demoApp(t)
	f := newFixture(t, base)
	ctx := context.Background()
	if _, err := f.store.PutSecret(ctx, f.tenant.ID, f.project.ID, "demo_password", app.DemoPassword); err != nil {
		t.Fatal(err)
	}
	for name, email := range map[string]string{"buyer": app.DemoEmail, "seller": app.DemoSellerEmail} {
		if _, err := f.store.PutPersona(ctx, f.tenant.ID, f.project.ID, name, store.PersonaInput{
			Email: email, Username: email, PasswordSecret: "demo_password", Locale: "en-GB", Timezone: "Europe/London"}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := suite.LoadSuite(filepath.Join("..", "demo", "suite", "order-plan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sp := storedPlan(t, f, st.Plans[0])

	j := f.newJobs(jobs.Config{Browser: localBrowsers(t, 2), Agent: agent.Config{ExpectTimeout: 5 * time.Second}})
	done := subscribe(j)
	run, nodes, err := f.store.StartPlanRun(ctx, f.tenant.ID, sp.ID, store.RunInput{}, j.Enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 3 {
		t.Fatalf("nodes: %+v", nodes)
	}
	start(t, j)
	finished(t, done, 3, 5*time.Minute)

	got, err := f.store.PlanNodes(ctx, f.tenant.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var prevFinish time.Time
	for _, n := range got {
		a := f.agent(n.AgentID)
		if n.Status != plan.Passed || a.Status != store.StatusPassed {
			t.Fatalf("node %q: %s, agent %s: %s", n.Name, n.Status, a.Status, a.Summary)
		}
		// Each node needs the one before it: it started after that one ended.
		if a.StartedAt == nil || a.StartedAt.Before(prevFinish) {
			t.Errorf("node %q started at %v, before its need ended at %v", n.Name, a.StartedAt, prevFinish)
		}
		prevFinish = *a.FinishedAt
	}
	if got[0].Vars["order_id"] != "A-1001" {
		t.Errorf("remembered: %v", got[0].Vars)
	}
	steps, err := f.store.ListSteps(ctx, f.tenant.ID, got[1].AgentID)
	if err != nil {
		t.Fatal(err)
	}
	if last := steps[len(steps)-1]; last.Outcome != `the page shows "Order A-1001 is marked as shipped."` {
		t.Errorf("the seller's last step: %q", last.Outcome)
	}
	if r, err := f.store.GetRun(ctx, f.tenant.ID, run.ID); err != nil || r.Status != store.StatusPassed {
		t.Errorf("run: %+v %v", r, err)
	}

	// A failing need skips what needs it.
	broken := f.test("Find a cancelled order", store.TestInput{StartURL: "/products", Steps: []string{`expect text "Cancelled orders"`}})
	after := f.test("Refund the cancelled order", store.TestInput{StartURL: "/products", Steps: []string{`expect text "Refunded"`}})
	bp, err := f.store.PutPlan(ctx, f.tenant.ID, f.project.ID, "Refunds", []plan.Node{{Name: broken.Name}, {Name: after.Name, Needs: []string{broken.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	run2, _, err := f.store.StartPlanRun(ctx, f.tenant.ID, bp.ID, store.RunInput{}, j.Enqueue)
	if err != nil {
		t.Fatal(err)
	}
	finished(t, done, 1, 3*time.Minute)
	got, err = f.store.PlanNodes(ctx, f.tenant.ID, run2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Status != plan.Failed || got[1].Status != plan.Skipped || got[1].Reason != `not run: it needs "Find a cancelled order", which failed` {
		t.Fatalf("nodes: %+v", got)
	}
	if a := f.agent(got[1].AgentID); a.Status != store.StatusCancelled || a.ErrorReason != store.ReasonPlanSkipped || a.Summary != got[1].Reason || a.StartedAt != nil {
		t.Errorf("skipped agent: %+v", a)
	}
	if r, err := f.store.GetRun(ctx, f.tenant.ID, run2.ID); err != nil || r.Status != store.StatusFailed {
		t.Errorf("run: %+v %v", r, err)
	}
}
