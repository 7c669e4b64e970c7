package web_test

import (
	"log/slog"
	"net/http"

	"github.com/argusqa/argus/events"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/web"
)

// The UI serves every path but the API's; mount it beside the API handler
// (package server takes it as Config.Fallback).
func ExampleNew() {
	var (
		st        *store.Store  // store.New(ctx, pool, …)
		scheduler web.Scheduler // *jobs.Jobs
		blobs     storage.Blobs // storage.Open(ctx, "file:///var/lib/argus/blobs")
		hub       *events.Hub   // events.NewHub(pool, log), running
		api       http.Handler  // the REST API
	)
	ui, err := web.New(web.Config{Store: st, Scheduler: scheduler, Blobs: blobs, Hub: hub,
		PublicURL: "https://argus.example.com", Logger: slog.Default()})
	if err != nil {
		return // New refuses a config without its required parts
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", ui.Handler())
	_ = http.ListenAndServe(":8080", mux)
}
