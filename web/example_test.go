package web_test

import (
	"log/slog"
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/server"
	"github.com/argusqa/argus/web"
)

// The UI serves every path but the API's, over the same application layer:
// mount it as the API server's fallback, which gives it the headers every
// response carries.
func ExampleNew() {
	var a *app.App // app.New(app.Config{Store: …, Scheduler: …, Blobs: …, Hub: …})
	ui, err := web.New(web.Config{App: a, Logger: slog.Default()})
	if err != nil {
		return // New refuses a config without an App
	}
	srv, err := server.New(server.Config{App: a, Fallback: ui.Handler()})
	if err != nil {
		return
	}
	_ = http.ListenAndServe(":8080", srv.Handler())
}
