package grid

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/argusqa/argus/browser"
)

// Config configures the grid provider.
type Config struct {
	// URL is the WebDriver endpoint, e.g. "http://grid:4444" (Grid 4) or
	// "http://grid:4444/wd/hub". Required.
	URL string
	// MaxSessions caps the sessions this process holds on the grid at
	// once; 0 means browser.DefaultMaxSessions (5).
	MaxSessions int
	// Session holds the session settings (timeouts, browser flags, CDP and
	// BiDi switches); the provider fills in window size, name, logger,
	// upload and close hooks.
	Session browser.SessionConfig
	// HTTPClient carries the WebDriver commands; nil means a dedicated
	// client.
	HTTPClient *http.Client
	// Logger receives lifecycle messages; nil discards them.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.MaxSessions == 0 {
		c.MaxSessions = browser.DefaultMaxSessions
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	if c.URL == "" {
		return fmt.Errorf("grid browser provider: URL is required (e.g. http://grid:4444)")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("grid browser provider: URL %q is not an http(s) URL with a host", c.URL)
	}
	if c.MaxSessions < 0 {
		return fmt.Errorf("grid browser provider: max sessions %d is negative", c.MaxSessions)
	}
	return nil
}
