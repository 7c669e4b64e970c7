package github_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/integrations/github"
	"github.com/argusqa/argus/store"
)

// Example shows the wiring: one Reporter per process from the App's
// settings, a worker registered on the integrations queue, and a job
// enqueued when an agent finishes.
func Example() {
	ctx := context.Background()
	var st *store.Store // the process's store
	pemKey, _ := os.ReadFile("/run/secrets/github-app.pem")
	rep, err := github.NewReporter(github.Config{AppID: 123456, PrivateKey: pemKey})
	if err != nil {
		return
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, github.NewWorker(rep, github.StoreSource{Store: st, PublicURL: "https://argus.example.com"}, slog.Default()))
	// … river.NewClient with Queues[github.QueueIntegrations] and these
	// workers; then, when an agent has finished:
	var client *river.Client[any]
	var tenant, agent [16]byte
	_, _ = client.Insert(ctx, github.ReportArgs{TenantID: tenant, AgentID: agent}, nil)
}

// ExampleReporter_Report reports one outcome directly.
func ExampleReporter_Report() {
	var rep *github.Reporter // from github.NewReporter
	res, err := rep.Report(context.Background(), github.Outcome{
		Target:   github.Target{InstallationID: 77, Repository: "acme/shop", CloseOnPass: true},
		TestID:   "4b0c6f7e-2f0e-4c1a-9a55-0d4b1e2f3a4b",
		TestName: "Checkout",
		AgentID:  "9e21d3c4-5b6a-4f70-8e9d-1c2b3a4d5e6f",
		Status:   github.StatusFailed,
		Summary:  "The payment page said Card declined.",
		RunURL:   "https://argus.example.com/runs/1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
	})
	_, _ = res, err
}
