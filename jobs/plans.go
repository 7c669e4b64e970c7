package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// advancePlan moves a plan's run on after one of its agents ended
// (store.AdvancePlan, the rules of package plan): the nodes whose needs
// have all passed get their jobs, in the same transaction; the nodes a
// need that did not pass rules out are skipped, with the reason. It
// returns the agents it skipped, for the caller's notifications. A run
// that is not a plan's is left alone. Errors are logged: the
// reconciliation advances a run whose advance was lost.
func (j *Jobs) advancePlan(ctx context.Context, tenant, run uuid.UUID) []store.Agent {
	adv, err := j.cfg.Store.AdvancePlan(ctx, tenant, run, j.Enqueue)
	if err != nil {
		j.cfg.Logger.Warn("advancing the plan's run", "run", run, "error", err)
		return nil
	}
	for _, a := range adv.Skipped {
		j.publish(ctx, events.Event{Kind: events.KindAgent, Tenant: tenant, Run: run, Agent: a.ID})
	}
	return adv.Skipped
}

// role resolves the prompt role a test names: a built-in one, else the
// project's.
func (j *Jobs) role(ctx context.Context, tenant uuid.UUID, p *store.Project, name string) (*suite.Role, error) {
	if r, ok := suite.BuiltinRole(name); ok {
		return &r, nil
	}
	r, err := j.cfg.Store.GetRole(ctx, tenant, p.ID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &setupError{ReasonSetup, fmt.Sprintf("the test names the role %q, which is neither built in nor one of project %q's roles", name, p.Name)}
	}
	if err != nil {
		return nil, err
	}
	return &suite.Role{Name: r.Name, Prompt: r.Prompt}, nil
}
