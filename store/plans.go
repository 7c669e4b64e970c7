package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/plan"
)

// Plan is a project's graph of tests (a plan: document of its test files).
type Plan struct {
	ID        uuid.UUID
	ProjectID uuid.UUID
	Name      string
	// Nodes are the plan's tests in written order, by test name.
	Nodes     []plan.Node
	CreatedAt time.Time
	UpdatedAt time.Time
}

// planNodeJSON is how a node is kept in plans.nodes.
type planNodeJSON struct {
	Test  string   `json:"test"`
	Needs []string `json:"needs"`
}

const planColumns = `id, project_id, name, nodes, created_at, updated_at`

func scanPlan(r pgx.Row) (Plan, error) {
	var p Plan
	var raw []byte
	if err := r.Scan(&p.ID, &p.ProjectID, &p.Name, &raw, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	var nodes []planNodeJSON
	if err := json.Unmarshal(raw, &nodes); err != nil {
		return p, fmt.Errorf("plan %s: nodes: %w", p.ID, err)
	}
	for _, n := range nodes {
		p.Nodes = append(p.Nodes, plan.Node{Name: n.Test, Needs: n.Needs})
	}
	return p, nil
}

// PutPlan creates the project's plan called name or replaces its nodes.
// The graph must pass plan.Check; the tests it names are looked up when a
// run of it starts.
func (s *Store) PutPlan(ctx context.Context, tenant, project uuid.UUID, name string, nodes []plan.Node) (*Plan, error) {
	if len(nodes) == 0 || len(nodes) > 50 {
		return nil, invalidf("put plan", "nodes", "a plan has 1 to 50 tests")
	}
	if probs := plan.Check(nodes); len(probs) > 0 {
		return nil, invalidf("put plan", "nodes", "%s", probs[0].Msg)
	}
	js := make([]planNodeJSON, len(nodes))
	for i, n := range nodes {
		js[i] = planNodeJSON{Test: n.Name, Needs: n.Needs}
		if js[i].Needs == nil {
			js[i].Needs = []string{}
		}
	}
	raw, err := json.Marshal(js)
	if err != nil {
		return nil, err
	}
	var p Plan
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		p, err = scanPlan(tx.QueryRow(ctx, `
			INSERT INTO plans (id, tenant_id, project_id, name, nodes)
			SELECT $1, $2, pr.id, $4, $5 FROM projects pr WHERE pr.tenant_id = $2 AND pr.id = $3
			ON CONFLICT (project_id, name) DO UPDATE SET nodes = excluded.nodes, updated_at = now()
			WHERE plans.tenant_id = excluded.tenant_id
			RETURNING `+planColumns, newID(), tenant, project, name, raw))
		return err
	})
	if err != nil {
		return nil, wrap("put plan", err)
	}
	return &p, nil
}

// ListPlans lists a project's plans by name.
func (s *Store) ListPlans(ctx context.Context, tenant, project uuid.UUID) ([]Plan, error) {
	return allInTenant(ctx, s, tenant, "list plans", rowsOf(scanPlan), `SELECT `+planColumns+` FROM plans WHERE tenant_id = $1 AND project_id = $2 ORDER BY name`, tenant, project)
}

// GetPlan returns one of tenant's plans.
func (s *Store) GetPlan(ctx context.Context, tenant, id uuid.UUID) (*Plan, error) {
	return oneInTenant(ctx, s, tenant, "get plan", scanPlan, `SELECT `+planColumns+` FROM plans WHERE tenant_id = $1 AND id = $2`, tenant, id)
}

// DeletePlan removes one of tenant's plans; its past runs stay.
func (s *Store) DeletePlan(ctx context.Context, tenant, id uuid.UUID) error {
	return s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM plans WHERE tenant_id = $1 AND id = $2`, tenant, id)
		return exactlyOne("delete plan", tag, err)
	})
}

// PlanNode is one node of a plan's run: its test's agent and where it
// stands.
type PlanNode struct {
	RunID    uuid.UUID
	AgentID  uuid.UUID
	PlanName string
	Name     string
	Needs    []string
	Position int
	Status   plan.Status
	// Reason says why a skipped node did not run.
	Reason string
	// Vars are the values the node's test remembered (redacted page text).
	Vars map[string]string
}

const planNodeColumns = `run_id, agent_id, plan_name, name, needs, position, status, reason, vars`

func scanPlanNode(r pgx.Row) (PlanNode, error) {
	var n PlanNode
	var raw []byte
	if err := r.Scan(&n.RunID, &n.AgentID, &n.PlanName, &n.Name, &n.Needs, &n.Position, &n.Status, &n.Reason, &raw); err != nil {
		return n, err
	}
	return n, json.Unmarshal(raw, &n.Vars)
}

// StartPlanRun starts a run of one of tenant's plans: in one transaction
// it inserts the run with one agent per node (the plan's tests, looked up
// by name in the project), a plan_nodes row for each, and hands enqueue
// the agents that may start now (the nodes that need nothing); the others
// stay pending, their agents queued without a job, until AdvancePlan lets
// them start. in.TestIDs is ignored.
func (s *Store) StartPlanRun(ctx context.Context, tenant, planID uuid.UUID, in RunInput,
	enqueue func(ctx context.Context, tx pgx.Tx, run *Run, agents []Agent) error,
) (*Run, []PlanNode, error) {
	if in.Trigger == "" {
		in.Trigger = TriggerAPI
	}
	if !commitPattern.MatchString(in.CommitSHA) {
		return nil, nil, invalidf("start plan run", "commit_sha", "commit must be a lower-case hex SHA")
	}
	var run *Run
	var nodes []PlanNode
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		p, err := scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE tenant_id = $1 AND id = $2`, tenant, planID))
		if err != nil {
			return err
		}
		in.ProjectID = p.ProjectID
		in.TestIDs = nil
		for _, n := range p.Nodes {
			var id uuid.UUID
			err := tx.QueryRow(ctx, `SELECT id FROM tests WHERE tenant_id = $1 AND project_id = $2 AND name = $3`, tenant, p.ProjectID, n.Name).Scan(&id)
			if err == pgx.ErrNoRows {
				return invalidf("start plan run", "plan", "the plan %q names the test %q, which the project does not have", p.Name, n.Name)
			}
			if err != nil {
				return err
			}
			in.TestIDs = append(in.TestIDs, id)
		}
		var agents []Agent
		if run, agents, err = insertRun(ctx, tx, tenant, &in, nil); err != nil {
			return err
		}
		for i, n := range p.Nodes {
			needs := n.Needs
			if needs == nil {
				needs = []string{}
			}
			pn, err := scanPlanNode(tx.QueryRow(ctx, `
				INSERT INTO plan_nodes (tenant_id, run_id, agent_id, plan_name, name, needs, position)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+planNodeColumns,
				tenant, run.ID, agents[i].ID, p.Name, n.Name, needs, i))
			if err != nil {
				return err
			}
			nodes = append(nodes, pn)
		}
		_, start, err := advancePlan(ctx, tx, tenant, run.ID)
		if err != nil {
			return err
		}
		if enqueue != nil && len(start) > 0 {
			return enqueue(ctx, tx, run, start)
		}
		return nil
	})
	if err != nil {
		return nil, nil, wrap("start plan run", err)
	}
	return run, nodes, nil
}

// PlanAdvance is what AdvancePlan did.
type PlanAdvance struct {
	// Skipped are the agents it ended as skipped (status cancelled,
	// reason plan_skipped, the summary saying which need did not pass).
	Skipped []Agent
	// Started are the agents it let start (handed to enqueue).
	Started []Agent
}

// ReasonPlanSkipped is the error reason of a plan's agent that did not run
// because a need did not pass.
const ReasonPlanSkipped = "plan_skipped"

// AdvancePlan moves a plan's run on after one of its agents changed: every
// node takes its agent's end state, the rules of package plan decide which
// pending nodes start (their agents go to enqueue, in the same
// transaction) and which are skipped. It is idempotent and serialised per
// run (the run's nodes are locked), so it may be called after every
// agent's end, by any worker, again after a lost call. A run that is not a
// plan's gives an empty PlanAdvance.
func (s *Store) AdvancePlan(ctx context.Context, tenant, run uuid.UUID,
	enqueue func(ctx context.Context, tx pgx.Tx, run *Run, agents []Agent) error,
) (*PlanAdvance, error) {
	out := &PlanAdvance{}
	err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		skipped, start, err := advancePlan(ctx, tx, tenant, run)
		if err != nil {
			return err
		}
		out.Skipped, out.Started = skipped, start
		if enqueue != nil && len(start) > 0 {
			r, err := scanRun(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE tenant_id = $1 AND id = $2`, tenant, run))
			if err != nil {
				return err
			}
			return enqueue(ctx, tx, &r, start)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("advance plan", err)
	}
	return out, nil
}

func advancePlan(ctx context.Context, tx pgx.Tx, tenant, run uuid.UUID) (skipped, start []Agent, err error) {
	rows, err := tx.Query(ctx, `
		SELECT n.name, n.needs, n.status, a.status, a.id FROM plan_nodes n
		JOIN agents a ON a.tenant_id = n.tenant_id AND a.id = n.agent_id
		WHERE n.tenant_id = $1 AND n.run_id = $2 ORDER BY n.position FOR UPDATE OF n`, tenant, run)
	if err != nil {
		return nil, nil, err
	}
	type row struct {
		name    string
		needs   []string
		node    plan.Status
		agent   Status
		agentID uuid.UUID
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.name, &r.needs, &r.node, &r.agent, &r.agentID); err != nil {
			rows.Close()
			return nil, nil, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	nodes := make([]plan.Node, len(all))
	status := map[string]plan.Status{}
	for i, r := range all {
		nodes[i] = plan.Node{Name: r.name, Needs: r.needs}
		st := r.node
		switch {
		case r.node == plan.Skipped || r.node == plan.Pending && r.agent == StatusQueued:
		case r.agent.Final():
			st = plan.Status(r.agent)
		default:
			st = plan.Running
		}
		status[r.name] = st
		if st != r.node {
			if _, err := tx.Exec(ctx, `UPDATE plan_nodes SET status = $3 WHERE tenant_id = $1 AND agent_id = $2`, tenant, r.agentID, st); err != nil {
				return nil, nil, err
			}
		}
	}
	next := plan.Advance(nodes, status)
	id := func(name string) uuid.UUID {
		for _, r := range all {
			if r.name == name {
				return r.agentID
			}
		}
		return uuid.Nil
	}
	for _, sk := range next.Skip {
		if _, err := tx.Exec(ctx, `UPDATE plan_nodes SET status = 'skipped', reason = $3 WHERE tenant_id = $1 AND agent_id = $2`, tenant, id(sk.Node), sk.Reason); err != nil {
			return nil, nil, err
		}
		a, err := scanAgent(tx.QueryRow(ctx, `
			UPDATE agents SET status = 'cancelled', error_reason = $3, summary = $4, finished_at = now(), duration_ms = 0
			WHERE tenant_id = $1 AND id = $2 AND status = 'queued' RETURNING `+agentColumns, tenant, id(sk.Node), ReasonPlanSkipped, sk.Reason))
		if err == pgx.ErrNoRows {
			continue // cancelled by someone meanwhile
		}
		if err != nil {
			return nil, nil, err
		}
		skipped = append(skipped, a)
	}
	for _, name := range next.Start {
		if _, err := tx.Exec(ctx, `UPDATE plan_nodes SET status = 'running' WHERE tenant_id = $1 AND agent_id = $2`, tenant, id(name)); err != nil {
			return nil, nil, err
		}
		a, err := scanAgent(tx.QueryRow(ctx, `SELECT `+agentColumns+` FROM agents WHERE tenant_id = $1 AND id = $2`, tenant, id(name)))
		if err != nil {
			return nil, nil, err
		}
		start = append(start, a)
	}
	return skipped, start, nil
}

// PlanNodes returns the nodes of one of tenant's runs in written order;
// empty for a run that is not a plan's.
func (s *Store) PlanNodes(ctx context.Context, tenant, run uuid.UUID) ([]PlanNode, error) {
	return allInTenant(ctx, s, tenant, "plan nodes", rowsOf(scanPlanNode), `SELECT `+planNodeColumns+` FROM plan_nodes WHERE tenant_id = $1 AND run_id = $2 ORDER BY position`, tenant, run)
}

// PlanInputs returns the values an agent of a plan's run starts with: what
// the nodes it needs, directly or not, remembered (plan.Inputs). ok is
// false for an agent that is not a plan's.
func (s *Store) PlanInputs(ctx context.Context, tenant, agent uuid.UUID) (vars map[string]string, ok bool, err error) {
	var nodes []PlanNode
	var name string
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT name FROM plan_nodes WHERE tenant_id = $1 AND agent_id = $2`, tenant, agent).Scan(&name); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+planNodeColumns+` FROM plan_nodes WHERE tenant_id = $1
			AND run_id = (SELECT run_id FROM plan_nodes WHERE tenant_id = $1 AND agent_id = $2) ORDER BY position`, tenant, agent)
		if err != nil {
			return err
		}
		nodes, err = pgx.CollectRows(rows, rowsOf(scanPlanNode))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("plan inputs", err)
	}
	graph := make([]plan.Node, len(nodes))
	remembered := map[string]map[string]string{}
	for i, n := range nodes {
		graph[i] = plan.Node{Name: n.Name, Needs: n.Needs}
		if n.Status == plan.Passed {
			remembered[n.Name] = n.Vars
		}
	}
	return plan.Inputs(graph, name, remembered), true, nil
}

// RememberPlanValues keeps the values an agent of a plan's run remembered,
// for the nodes that need it. An agent that is not a plan's is left alone.
func (s *Store) RememberPlanValues(ctx context.Context, tenant, agent uuid.UUID, vars map[string]string) error {
	if len(vars) == 0 {
		return nil
	}
	raw, err := json.Marshal(vars)
	if err != nil {
		return err
	}
	return wrap("remember plan values", s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE plan_nodes SET vars = $3 WHERE tenant_id = $1 AND agent_id = $2`, tenant, agent, raw)
		return err
	}))
}

// StalledPlanRuns lists, across tenants, runs with pending nodes and no
// agent queued with a job or running: an advance that was lost (a worker
// died between an agent's end and its plan's advance). The reconciliation
// advances them. It bypasses the tenant and is for maintenance only.
func (s *Store) StalledPlanRuns(ctx context.Context) ([][2]uuid.UUID, error) {
	rows, err := s.Pool().Query(ctx, `
		SELECT DISTINCT n.tenant_id, n.run_id FROM plan_nodes n
		WHERE n.status = 'pending' AND NOT EXISTS (
			SELECT 1 FROM plan_nodes o JOIN agents a ON a.tenant_id = o.tenant_id AND a.id = o.agent_id
			WHERE o.run_id = n.run_id AND o.status <> 'pending' AND a.status IN ('queued', 'running'))
		LIMIT 1000`)
	if err != nil {
		return nil, wrap("stalled plan runs", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]uuid.UUID, error) {
		var v [2]uuid.UUID
		return v, r.Scan(&v[0], &v[1])
	})
	return out, wrap("stalled plan runs", err)
}
