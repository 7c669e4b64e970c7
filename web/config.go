package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/argusqa/argus/app"
)

// Config configures the UI. App is required.
type Config struct {
	// App holds the use cases the pages call. Required.
	App *app.App

	// Logger receives request errors. Default: discard.
	Logger *slog.Logger

	// RiverUI, when set, is River's operator UI, mounted at /admin/river/
	// for the operator's administrators only (app.RequireOperator): it
	// shows every tenant's jobs. Its handler must serve under that
	// prefix. Default nil: not mounted.
	RiverUI http.Handler
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	if c.App == nil {
		return errors.New("web: Config.App is required")
	}
	return nil
}
