package web

import (
	"errors"
	"log/slog"

	"github.com/argusqa/argus/app"
)

// Config configures the UI. App is required.
type Config struct {
	// App holds the use cases the pages call. Required.
	App *app.App

	// Logger receives request errors. Default: discard.
	Logger *slog.Logger
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
