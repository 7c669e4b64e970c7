package local

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"time"

	"github.com/argusqa/argus/browser"
)

// DefaultReapInterval is how often the reaper runs by default.
const DefaultReapInterval = time.Minute

// Config configures the local provider. The zero value works on a machine
// with chromedriver and Chromium on the PATH.
type Config struct {
	// ChromedriverPath is the chromedriver executable; empty means
	// "chromedriver" looked up on PATH.
	ChromedriverPath string
	// ChromiumPath is the browser executable; empty means the first of
	// chromium, chromium-browser, google-chrome found on PATH.
	ChromiumPath string
	// ChromeArgs are the browser flags; nil means browser.DefaultChromeArgs().
	// The provider adds --user-data-dir.
	ChromeArgs []string
	// MaxSessions caps concurrent browsers; 0 means browser.DefaultMaxSessions (5).
	MaxSessions int
	// StartTimeout bounds how long chromedriver may take to listen; 0
	// means 20 s.
	StartTimeout time.Duration
	// TempDir is where per-session directories are created; empty means
	// the system temporary directory (os.TempDir). The reaper looks for
	// orphaned sessions here only, so every Argus process on a host should
	// use the same TempDir for their crash leftovers to be found.
	TempDir string
	// ReapInterval is how often the reaper looks for browsers of dead
	// Argus processes in TempDir, after the reaping New does; 0 means
	// DefaultReapInterval (1 min), negative disables the periodic runs
	// (New still reaps once).
	ReapInterval time.Duration
	// Session holds the session settings (timeouts, CDP/BiDi switches);
	// the provider fills in binary, flags, window size, name, logger and
	// the close hook.
	Session browser.SessionConfig
	// Logger receives lifecycle messages; nil discards them.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults, looking
// up executables on PATH.
func (c Config) WithDefaults() Config {
	if c.ChromedriverPath == "" {
		if p, err := exec.LookPath("chromedriver"); err == nil {
			c.ChromedriverPath = p
		}
	}
	if c.ChromiumPath == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				c.ChromiumPath = p
				break
			}
		}
	}
	if c.ChromeArgs == nil {
		c.ChromeArgs = browser.DefaultChromeArgs()
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = browser.DefaultMaxSessions
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 20 * time.Second
	}
	if c.TempDir == "" {
		c.TempDir = os.TempDir()
	}
	if c.ReapInterval == 0 {
		c.ReapInterval = DefaultReapInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if c.ChromedriverPath == "" {
		errs = append(errs, errors.New("chromedriver not found on PATH; install chromium-driver or set the chromedriver path"))
	} else if _, err := exec.LookPath(c.ChromedriverPath); err != nil {
		errs = append(errs, fmt.Errorf("chromedriver %q: %w", c.ChromedriverPath, err))
	}
	if c.ChromiumPath == "" {
		errs = append(errs, errors.New("chromium not found on PATH; install chromium or set the browser path"))
	} else if _, err := exec.LookPath(c.ChromiumPath); err != nil {
		errs = append(errs, fmt.Errorf("chromium %q: %w", c.ChromiumPath, err))
	}
	if c.MaxSessions < 0 {
		errs = append(errs, fmt.Errorf("max sessions %d is negative", c.MaxSessions))
	}
	if c.StartTimeout < 0 {
		errs = append(errs, fmt.Errorf("start timeout %s is negative", c.StartTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("local browser provider: %w", err)
	}
	return nil
}
