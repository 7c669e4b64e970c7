package app

import (
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Config configures the demo app. The zero value is usable: WithDefaults
// fills every unset field.
type Config struct {
	// Logger receives server-side errors, including the deliberate failure
	// of the settings page. Default: a logger that discards everything.
	Logger *slog.Logger
	// BcryptCost is the cost of password hashes. Default bcrypt.DefaultCost
	// (10); tests use bcrypt.MinCost (4) to stay fast.
	BcryptCost int
	// SessionTTL is how long a login lasts. Default 24h.
	SessionTTL time.Duration
	// Mutant switches on one injected defect or benign drift (see
	// Mutants) for the calibration suite. Default "": the app as shipped.
	Mutant string
	// SMTPAddr, when set, is the mail server (host:port, plain SMTP) the
	// shop sends sign-up confirmations to, each with a magic link that
	// confirms the address. Default empty: no mail is sent. argus demo
	// points it at Argus's built-in test mailbox.
	SMTPAddr string
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BcryptCost == 0 {
		c.BcryptCost = bcrypt.DefaultCost
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 24 * time.Hour
	}
	return c
}

func (c Config) validate() error {
	if c.BcryptCost < bcrypt.MinCost || c.BcryptCost > bcrypt.MaxCost {
		return fmt.Errorf("BcryptCost %d is outside %d..%d", c.BcryptCost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	if c.SessionTTL < time.Minute {
		return fmt.Errorf("SessionTTL %s is shorter than a minute", c.SessionTTL)
	}
	if _, ok := LookupMutant(c.Mutant); c.Mutant != "" && !ok {
		return fmt.Errorf("unknown mutant %q; known: %s", c.Mutant, MutantNames())
	}
	return nil
}
