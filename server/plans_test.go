package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/argusqa/argus/api"
)

const planFile = `plan: Order and ship
tests:
  - name: Order
    steps:
      - click "Place order"
      - remember text of "Order number" as order_id
  - name: Ship
    needs: Order
    role: functional-qa
    url: /orders/{{vars.order_id}}
    steps:
      - click "Mark as shipped"
  - name: Audit
    needs: [Order]
    role: checkout-auditor
    goal: Check the totals of order {{vars.order_id}}.
---
roles:
  - name: checkout-auditor
    prompt: Every amount must add up.
`

// TestPlansAPI: a plan arrives with the test files, is listed, and a run
// of it queues only the node that needs nothing; the plan view shows
// every node with its needs and layer. Bad input is a problem, never a
// 500.
func TestPlansAPI(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	project := "/api/v1/projects/" + a.project.ID.String()
	member := key(a.memberKey)

	r := e.do("POST", project+"/test-files", member, map[string]any{"files": []any{map[string]any{"path": "plan.yaml", "content": planFile}}})
	if r.status != http.StatusOK {
		t.Fatalf("sync: %d %s", r.status, r.body)
	}
	r = e.do("GET", project+"/plans", member, nil)
	var plans api.List[api.Plan]
	if r.status != http.StatusOK || json.Unmarshal(r.body, &plans) != nil {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	var p *api.Plan
	for i := range plans.Items {
		if plans.Items[i].Name == "Order and ship" {
			p = &plans.Items[i]
		}
	}
	if p == nil || len(p.Nodes) != 3 || p.Nodes[1].Test != "Ship" || p.Nodes[1].Needs[0] != "Order" {
		t.Fatalf("plans: %s", r.body)
	}

	before, _ := e.sched.counts()
	r = e.do("POST", "/api/v1/plans/"+p.ID.String()+"/runs", member, map[string]any{"branch": "main"})
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	var run api.Run
	if err := json.Unmarshal(r.body, &run); err != nil || len(run.Agents) != 3 {
		t.Fatalf("run: %s", r.body)
	}
	if after, _ := e.sched.counts(); after-before != 1 {
		t.Errorf("queued %d agents; only the node that needs nothing may start", after-before)
	}
	r = e.do("GET", "/api/v1/runs/"+run.ID.String()+"/plan", member, nil)
	var pr api.PlanRun
	if r.status != http.StatusOK || json.Unmarshal(r.body, &pr) != nil {
		t.Fatalf("plan run: %d %s", r.status, r.body)
	}
	want := []struct {
		test, status string
		layer        int
	}{{"Order", "running", 0}, {"Ship", "pending", 1}, {"Audit", "pending", 1}}
	for i, w := range want {
		n := pr.Nodes[i]
		if n.Test != w.test || n.Status != w.status || n.Layer != w.layer {
			t.Errorf("node %d: %+v, want %+v", i, n, w)
		}
	}
	if pr.Plan != "Order and ship" || pr.Outcome != "running" || !strings.HasSuffix(pr.Links.UI, "/runs/"+run.ID.String()+"/plan") {
		t.Errorf("plan run: %+v", pr)
	}

	// Bad input.
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", "/api/v1/plans/" + p.ID.String() + "/runs", map[string]any{"branch": "main", "tests": []string{"x"}}, http.StatusBadRequest},
		{"POST", "/api/v1/plans/" + p.ID.String() + "/runs", map[string]any{"commit_sha": "not hex"}, http.StatusBadRequest},
		{"POST", "/api/v1/plans/not-an-id/runs", map[string]any{}, http.StatusNotFound},
		{"GET", "/api/v1/runs/" + a.run.ID.String() + "/plan", nil, http.StatusNotFound},
	} {
		r := e.do(c.method, c.path, member, c.body)
		if r.status != c.status || !isProblem(r) {
			t.Errorf("%s %s: %d %s, want a %d problem", c.method, c.path, r.status, r.body, c.status)
		}
	}
	// A plan whose needs go round, or a test naming an unknown role, is
	// refused with the file's line, and nothing is stored.
	for _, bad := range []string{
		"plan: Loop\ntests:\n  - name: A\n    needs: B\n    steps: [reload]\n  - name: B\n    needs: A\n    steps: [reload]\n",
		"name: Audit the cart\nrole: cart-auditor\ngoal: Look at the cart.\n",
	} {
		r := e.do("POST", project+"/test-files", member, map[string]any{"files": []any{map[string]any{"path": "bad.yaml", "content": bad}}})
		if r.status != http.StatusBadRequest || !isProblem(r) || !strings.Contains(string(r.body), "bad.yaml:") {
			t.Errorf("bad file: %d %s", r.status, r.body)
		}
	}
}

// TestRolesAPI: the built-in roles and the project's own are listed; an
// admin stores and deletes a role; a built-in name, a bad name or an
// empty prompt is a problem; a member cannot write.
func TestRolesAPI(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	base := "/api/v1/projects/" + a.project.ID.String() + "/roles"
	admin, member := key(a.adminKey), key(a.memberKey)
	if r := e.do("PUT", base+"/checkout-auditor", admin, map[string]any{"prompt": "Every amount must add up."}); r.status != http.StatusOK || !strings.Contains(string(r.body), `"builtin":false`) {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	r := e.do("GET", base, member, nil)
	var list api.List[api.Role]
	if r.status != http.StatusOK || json.Unmarshal(r.body, &list) != nil || len(list.Items) != 5 ||
		list.Items[0].Name != "explorer" || !list.Items[0].Builtin || list.Items[4].Name != "checkout-auditor" {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		name string
		body any
		want string
	}{
		{"ux-auditor", map[string]any{"prompt": "mine"}, "built-in"},
		{"Bad%20Name", map[string]any{"prompt": "x"}, "role name"},
		{"tester", map[string]any{"prompt": "  "}, "prompt"},
		{"tester", map[string]any{"prompt": strings.Repeat("x", 4001)}, "prompt"},
	} {
		r := e.do("PUT", base+"/"+c.name, admin, c.body)
		if r.status != http.StatusBadRequest || !isProblem(r) || !strings.Contains(string(r.body), c.want) {
			t.Errorf("PUT %s: %d %s", c.name, r.status, r.body)
		}
	}
	if r := e.do("PUT", base+"/tester", member, map[string]any{"prompt": "x"}); r.status != http.StatusForbidden {
		t.Errorf("member PUT: %d", r.status)
	}
	if r := e.do("DELETE", base+"/checkout-auditor", admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", base+"/checkout-auditor", admin, nil); r.status != http.StatusNotFound {
		t.Errorf("delete again: %d", r.status)
	}
}
