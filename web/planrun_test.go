package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
)

// TestPlanRunPage draws a plan's run as its graph: the node that needs
// nothing in the first column, its dependent after it with its needs, a
// failed need's dependent skipped with the reason, the remembered value
// shown; the run page links to it; another run has no plan page.
func TestPlanRunPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, first := e.seedProject("Shop", "Buyer orders")
	second, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: "Seller ships", Goal: "Ship it"})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := e.st.PutPlan(e.ctx, e.tenant.ID, p.ID, "Order and ship", []plan.Node{{Name: first.Name}, {Name: second.Name, Needs: []string{first.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	run, nodes, err := e.st.StartPlanRun(e.ctx, e.tenant.ID, pl.ID, store.RunInput{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.RememberPlanValues(e.ctx, e.tenant.ID, nodes[0].AgentID, map[string]string{"order_id": "A-1001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.StartAgent(e.ctx, e.tenant.ID, nodes[0].AgentID, 1, nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.FinishAgent(e.ctx, e.tenant.ID, nodes[0].AgentID, store.AgentResult{Status: store.StatusFailed, Summary: "No order number <b>shown</b>"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AdvancePlan(e.ctx, e.tenant.ID, run.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.RefreshRunStatus(e.ctx, e.tenant.ID, run.ID); err != nil {
		t.Fatal(err)
	}

	c := e.login("max@example.com")
	res := c.get("/runs/" + run.ID.String() + "/plan")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("plan page: %d %s", res.StatusCode, res.Body)
	}
	body := res.Body
	start, later := strings.Index(body, `data-node="Buyer orders"`), strings.Index(body, `data-node="Seller ships"`)
	if start < 0 || later < start || !strings.Contains(body[later:], "needs Buyer orders") {
		t.Fatalf("graph order: %s", body)
	}
	for _, want := range []string{"Plan Order and ship", "node-failed", "node-skipped", `not run: it needs &#34;Buyer orders&#34;, which failed`,
		"{{vars.order_id}}", "A-1001", "No order number &lt;b&gt;shown&lt;/b&gt;", "<dd id=\"plan-outcome\">failed</dd>"} {
		if !strings.Contains(body, want) {
			t.Errorf("plan page lacks %q", want)
		}
	}
	if body := c.get("/runs/" + run.ID.String()).Body; !strings.Contains(body, `href="/runs/`+run.ID.String()+`/plan"`) {
		t.Error("the run page does not link to the plan's graph")
	}
	// Another tenant's admin finds nothing there.
	eve := e.otherTenantAdmin()
	if res := eve.get("/runs/" + run.ID.String() + "/plan"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "Seller ships") {
		t.Errorf("another tenant's plan page: %d", res.StatusCode)
	}
	other, _ := e.seedRun(p, first.ID)
	if res := c.get("/runs/" + other.ID.String() + "/plan"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a run without a plan: %d", res.StatusCode)
	}
}

// TestAgentPageShowsRole: the agent page names the role its start step
// recorded.
func TestAgentPageShowsRole(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Audit the checkout")
	_, agents := e.seedRun(p, tt.ID)
	if _, err := e.st.AppendStep(e.ctx, e.tenant.ID, store.Step{AgentID: agents[0].ID, Index: 0, Action: "navigate",
		Args: map[string]any{"url": "http://app.test/", "role": "ux-auditor"}, Outcome: "opened /"}); err != nil {
		t.Fatal(err)
	}
	body := e.login("max@example.com").get("/agents/" + agents[0].ID.String()).Body
	if !strings.Contains(body, `<dd data-field="role">ux-auditor</dd>`) {
		t.Errorf("the agent page does not name the role:\n%s", body)
	}
}

// TestPlansPage lists the project's plans with their needs and its roles;
// Run starts the plan and shows its graph.
func TestPlansPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, first := e.seedProject("Shop", "Buyer orders")
	if _, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: "Seller ships", Goal: "Ship it"}); err != nil {
		t.Fatal(err)
	}
	pl, err := e.st.PutPlan(e.ctx, e.tenant.ID, p.ID, "Order and ship", []plan.Node{{Name: first.Name}, {Name: "Seller ships", Needs: []string{first.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PutRole(e.ctx, e.tenant.ID, p.ID, "checkout-auditor", "Every amount must add up."); err != nil {
		t.Fatal(err)
	}
	c := e.login("max@example.com")
	page := "/projects/" + p.ID.String() + "/plans"
	if body := c.get("/projects/" + p.ID.String()).Body; !strings.Contains(body, `href="`+page+`"`) {
		t.Fatal("project pages do not link to the plans")
	}
	body := c.get(page).Body
	for _, want := range []string{"Order and ship", "Seller ships", "needs Buyer orders", `action="/plans/` + pl.ID.String() + `/run"`,
		"ux-auditor", "checkout-auditor", "Every amount must add up."} {
		if !strings.Contains(body, want) {
			t.Errorf("plans page lacks %q", want)
		}
	}
	res := c.post("/plans/"+pl.ID.String()+"/run", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/plan") {
		t.Fatalf("run: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if body := c.get(res.Header.Get("Location")).Body; !strings.Contains(body, `data-node="Seller ships"`) {
		t.Error("the started plan's graph does not show")
	}
	if res := c.post("/plans/not-an-id/run", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("bad id: %d", res.StatusCode)
	}
}
