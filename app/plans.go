package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// ListPlans lists a project's plans (the plan: documents of its synced
// test files).
func (a *App) ListPlans(ctx context.Context, p *Principal, project uuid.UUID) ([]store.Plan, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	return a.store.ListPlans(ctx, p.TenantID, project)
}

// PlanRunRequest starts a run of a plan.
type PlanRunRequest struct {
	Plan              uuid.UUID
	CommitSHA, Branch string
}

// StartPlanRun starts a run of one of the tenant's plans: one agent per
// node, the nodes that need nothing scheduled now, the others as their
// needs pass (package plan's rules, applied by the workers). A project
// whose base URL the target policy refuses gets no run.
func (a *App) StartPlanRun(ctx context.Context, p *Principal, req PlanRunRequest) (*StartedRun, error) {
	if len(req.CommitSHA) > 64 {
		return nil, invalid("cannot start this plan", FieldError{"commit_sha", "at most 64 characters"})
	}
	pl, err := a.store.GetPlan(ctx, p.TenantID, req.Plan)
	if err != nil {
		return nil, err
	}
	proj, err := a.store.GetProject(ctx, p.TenantID, pl.ProjectID)
	if err != nil {
		return nil, err
	}
	if err := a.CheckRunTarget(ctx, proj); err != nil {
		return nil, err
	}
	in := store.RunInput{Trigger: store.TriggerAPI, CommitSHA: req.CommitSHA, Branch: req.Branch}
	switch {
	case p.UserID != nil:
		in.Trigger, in.CreatedByUser = store.TriggerUI, p.UserID
	case req.CommitSHA != "" || req.Branch != "":
		in.Trigger, in.CreatedByKey = store.TriggerCI, p.KeyID
	default:
		in.CreatedByKey = p.KeyID
	}
	run, _, err := a.store.StartPlanRun(ctx, p.TenantID, pl.ID, in, a.cfg.Scheduler.Enqueue)
	if err != nil {
		return nil, err
	}
	agents, err := a.store.ListAgents(ctx, p.TenantID, run.ID)
	if err != nil {
		return nil, err
	}
	return &StartedRun{Run: run, Agents: agents}, nil
}

// PlanRunNode is one node of a plan's run with its agent.
type PlanRunNode struct {
	store.PlanNode
	Agent store.Agent
	// Layer is the node's depth in the graph: 0 for the nodes that need
	// nothing, else one more than its deepest need. The UI draws a column
	// per layer.
	Layer int
}

// PlanRun is a run of a plan: its nodes with their agents, and the plan's
// outcome so far.
type PlanRun struct {
	Run      *store.Run
	PlanName string
	Nodes    []PlanRunNode
	// Outcome is plan.Outcome once every node ended, else running.
	Outcome plan.Status
}

// ErrNotPlanRun answers a plan view of a run that is not a plan's.
var ErrNotPlanRun = notFound("this run is not a run of a plan")

// GetPlanRun returns a run of a plan with every node's state.
func (a *App) GetPlanRun(ctx context.Context, p *Principal, run uuid.UUID) (*PlanRun, error) {
	r, err := a.store.GetRun(ctx, p.TenantID, run)
	if err != nil {
		return nil, err
	}
	nodes, err := a.store.PlanNodes(ctx, p.TenantID, run)
	if err != nil {
		return nil, err
	}
	if len(nodes) == 0 {
		return nil, ErrNotPlanRun
	}
	agents, err := a.store.ListAgents(ctx, p.TenantID, run)
	if err != nil {
		return nil, err
	}
	byID := map[uuid.UUID]store.Agent{}
	for _, ag := range agents {
		byID[ag.ID] = ag
	}
	graph := make([]plan.Node, len(nodes))
	status := map[string]plan.Status{}
	for i, n := range nodes {
		graph[i] = plan.Node{Name: n.Name, Needs: n.Needs}
		status[n.Name] = n.Status
	}
	layer := map[string]int{}
	for _, name := range plan.Order(graph) {
		for _, n := range graph {
			if n.Name != name {
				continue
			}
			for _, need := range n.Needs {
				layer[name] = max(layer[name], layer[need]+1)
			}
		}
	}
	out := &PlanRun{Run: r, PlanName: nodes[0].PlanName, Outcome: plan.Running}
	for _, n := range nodes {
		out.Nodes = append(out.Nodes, PlanRunNode{PlanNode: n, Agent: byID[n.AgentID], Layer: layer[n.Name]})
	}
	if plan.Done(graph, status) {
		out.Outcome = plan.Outcome(graph, status)
	}
	return out, nil
}

// syncPlansAndRoles stores the plans and roles of synced test files, after
// their tests: a plan names tests of the same files.
func (a *App) syncPlansAndRoles(ctx context.Context, p *Principal, project uuid.UUID, plans []*suite.Plan, roles []*suite.Role) error {
	for _, r := range roles {
		if _, err := a.store.PutRole(ctx, p.TenantID, project, r.Name, r.Prompt); err != nil {
			return fmt.Errorf("role %q: %w", r.Name, err)
		}
	}
	for _, pl := range plans {
		if _, err := a.store.PutPlan(ctx, p.TenantID, project, pl.Name, pl.Nodes()); err != nil {
			return fmt.Errorf("plan %q: %w", pl.Name, err)
		}
	}
	return nil
}

// checkRoles refuses tests naming a role that is neither built in, nor in
// the files synced with them, nor one of the project's.
func (a *App) checkRoles(ctx context.Context, p *Principal, project uuid.UUID, tests []*suite.Test, defined []*suite.Role) ([]FieldError, error) {
	roles := suite.NewRoles(defined)
	var fields []FieldError
	for _, t := range tests {
		if _, ok := roles[t.Role]; t.Role == "" || ok {
			continue
		}
		_, err := a.store.GetRole(ctx, p.TenantID, project, t.Role)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fields = append(fields, FieldError{"files", fmt.Sprintf("%s: %s", t.Pos, roles.Unknown(t.Role))})
		case err != nil:
			return nil, err
		}
	}
	return fields, nil
}
