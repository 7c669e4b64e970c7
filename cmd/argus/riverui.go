package main

import (
	"context"
	"fmt"
	"log/slog"

	"riverqueue.com/riverui"

	"github.com/argusqa/argus/jobs"
)

// riverUIPrefix is where River's operator UI is mounted on `argus serve`
// (web.Config.RiverUI: for the operator's administrators only).
const riverUIPrefix = "/admin/river"

// riverUI builds River's UI on the server's River client and starts its
// background queries, which end with ctx.
func riverUI(ctx context.Context, sched *jobs.Jobs, log *slog.Logger) (*riverui.Handler, error) {
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(sched.Client(), nil),
		// Jobs' arguments name tenants, agents and runs: shown on demand.
		JobListHideArgsByDefault: true,
		Logger:                   log.With("component", "riverui"),
		Prefix:                   riverUIPrefix,
	})
	if err != nil {
		return nil, fmt.Errorf("mount River's operator UI: %w", err)
	}
	if err := h.Start(ctx); err != nil {
		return nil, fmt.Errorf("mount River's operator UI: %w", err)
	}
	return h, nil
}
