package discovery

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/suite"
)

// Defaults of Config.
const (
	// DefaultMaxPages is the page budget: page loads of the whole
	// discovery, probes included.
	DefaultMaxPages = 100
	// MaxParallel is the most browsers one discovery uses at once (the
	// provider's own cap still applies).
	MaxParallel = 3
)

// Config configures a discovery. Fields document their defaults.
type Config struct {
	// Browser hands out the sessions. Required. Discovery does not close it.
	Browser browser.Provider
	// BaseURL is where the crawl starts, an http(s) URL. Required.
	BaseURL string
	// AllowedOrigins are further origins (scheme://host[:port]) the crawl
	// may follow links to, beside BaseURL's. Default none.
	AllowedOrigins []string
	// Policy is the target policy every URL is checked against before the
	// browser opens it. The zero value allows public addresses only; the
	// CLI allows private ones (testing localhost is the point there).
	Policy netpolicy.Policy
	// MaxPages is the page budget. Default DefaultMaxPages.
	MaxPages int
	// Parallel is how many browsers crawl at once, 1 to MaxParallel.
	// Default MaxParallel.
	Parallel int
	// Persona, when set, signs in and crawls what a signed-in user sees.
	Persona *Persona
	// AllowDestructive lets the forms phase submit forms that look
	// destructive too. Default false: they are mapped, never submitted.
	AllowDestructive bool
	// Model, when set, runs the flows phase: it reads the map and names
	// the main user journeys, suggested as goal-and-checkpoint tests.
	// Default nil: no flows phase.
	Model llm.Model
	// OnProgress, when set, hears of every page added to the map, on the
	// crawl's goroutines with the map locked: it must return quickly and
	// not call back. Default none.
	OnProgress func(Progress)
	// Logger receives progress. Default: discard.
	Logger *slog.Logger
}

// Progress is how far a discovery has come: the pages mapped so far and
// their forms.
type Progress struct{ Pages, Forms int }

// Persona is an identity discovery signs in as.
type Persona struct {
	// LoginPath is the sign-in page, relative to BaseURL. Default "/login".
	LoginPath string
	// Username is typed into the sign-in form's first text or email field.
	Username string
	// Password is typed into its password field. It is never written into
	// the map or the suggested tests: those use the placeholder
	// {{secret.<PasswordSecret>}}.
	Password string
	// PasswordSecret names the secret suggested tests use for Password.
	// Default "password".
	PasswordSecret string
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.MaxPages <= 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.Parallel <= 0 {
		c.Parallel = MaxParallel
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Persona != nil {
		p := *c.Persona
		if p.LoginPath == "" {
			p.LoginPath = "/login"
		}
		if p.PasswordSecret == "" {
			p.PasswordSecret = "password"
		}
		c.Persona = &p
	}
	return c
}

func (c Config) validate() error {
	if c.Browser == nil {
		return errors.New("discovery: no browser provider")
	}
	if err := suite.CheckURL(c.BaseURL); err != nil || !strings.Contains(c.BaseURL, "://") {
		return fmt.Errorf("discovery: base URL %q: give an absolute http(s) URL", c.BaseURL)
	}
	if c.Parallel > MaxParallel {
		return fmt.Errorf("discovery: parallel %d: at most %d browsers", c.Parallel, MaxParallel)
	}
	for _, o := range c.AllowedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("discovery: allowed origin %q: give scheme://host[:port]", o)
		}
	}
	if p := c.Persona; p != nil {
		if p.Username == "" || p.Password == "" {
			return errors.New("discovery: a persona needs a username and a password")
		}
		if !strings.HasPrefix(p.LoginPath, "/") {
			return fmt.Errorf("discovery: persona login path %q must start with /", p.LoginPath)
		}
		if !validSecretName(p.PasswordSecret) {
			return fmt.Errorf("discovery: secret name %q: letters, digits and _ only", p.PasswordSecret)
		}
	}
	return nil
}

func validSecretName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
