package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/client"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/report"
	"github.com/argusqa/argus/suite"
)

// runRemotePlans is `argus run --server` for tests of which some belong
// to plans: the files are synced (the server keeps their plans too), each
// plan starts as a plan run (its graph runs on the server's workers), the
// other tests as one ordinary run, and every run is followed to its end
// and reported together, a plan's tests grouped in JUnit.
func runRemotePlans(ctx context.Context, e *env, cfg *config.Config, c *client.Client, project *client.Project,
	tests []*suite.Test, ids []uuid.UUID, local map[string]*suite.Test, commit, branch string, started time.Time,
) error {
	serverPlans, err := c.Plans(ctx, project.ID)
	if err != nil {
		return remoteError("listing the project's plans", err)
	}
	planID := map[string]uuid.UUID{}
	for _, p := range serverPlans {
		planID[p.Name] = p.ID
	}
	var loose []uuid.UUID
	var order []*suite.Plan
	seen := map[*suite.Plan]bool{}
	for i, t := range tests {
		switch {
		case t.Plan == nil:
			loose = append(loose, ids[i])
		case !seen[t.Plan]:
			seen[t.Plan] = true
			order = append(order, t.Plan)
		}
	}
	var runs []*client.Run
	for _, p := range order {
		id, ok := planID[p.Name]
		if !ok {
			return fmt.Errorf("the server did not keep the plan %q (%s)", p.Name, p.Pos)
		}
		run, err := c.StartPlanRun(ctx, id, commit, branch)
		if err != nil {
			return remoteError("starting the plan "+p.Name, err)
		}
		fmt.Fprintf(e.stdout, "plan %q started on %s as run %s: %d %s\n", p.Name, cfg.Server, run.ID, len(run.Agents), plural(len(run.Agents), "test", "tests"))
		if run.Links.UI != "" {
			fmt.Fprintf(e.stdout, "follow its graph at %s/plan\n", run.Links.UI)
		}
		runs = append(runs, run)
	}
	if len(loose) > 0 {
		run, err := startRemoteRun(ctx, c, project.ID, client.RunRequest{TestIDs: loose, CommitSHA: commit, Branch: branch})
		if err != nil {
			return remoteError("starting the run", err)
		}
		fmt.Fprintf(e.stdout, "run %s started on %s: %d %s\n", run.ID, cfg.Server, len(loose), plural(len(loose), "test", "tests"))
		runs = append(runs, run)
	}
	// The runs go on together on the server; they are followed one after
	// the other here.
	var finals []*client.Run
	var all []report.TestRun
	for _, run := range runs {
		final, trs, err := watchRemote(ctx, e, c, run, local)
		if err != nil {
			return err
		}
		finals = append(finals, final)
		all = append(all, trs...)
	}
	return reportRemote(e, cfg, project, finals, all, started)
}
