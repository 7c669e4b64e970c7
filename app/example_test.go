package app_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/argusqa/argus/app"
)

// A front end calls the App as the signed-in caller and renders what comes
// back; an *app.Error is an answer to show (its code picks the HTTP status
// or the page), anything else an internal failure to log.
func ExampleApp_StartRun() {
	var (
		a   *app.App       // app.New(app.Config{Store: …, Scheduler: …, Blobs: …, Hub: …})
		p   *app.Principal // from a.AuthenticateKey or a.AuthenticateSession
		ctx context.Context
	)
	if a == nil {
		return // (wiring elided)
	}
	started, err := a.StartRun(ctx, p, app.RunRequest{Tags: []string{"smoke"}, IdempotencyKey: "build-41"})
	var e *app.Error
	switch {
	case errors.As(err, &e):
		fmt.Println("refused:", e.Detail, e.Fields)
	case err != nil:
		fmt.Println("internal failure:", err)
	default:
		fmt.Println("run", started.Run.ID, "with", len(started.Agents), "agents")
	}
}
