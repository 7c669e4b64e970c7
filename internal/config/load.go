package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/argusqa/argus/internal/redact"
)

// Load fills a Config from the settings given, reading each value from its
// flag in args (highest precedence), then getenv, then its default. The
// caller may have registered its own flags on fs; Load registers the
// settings' flags, parses args and returns the remaining positional
// arguments. A missing or malformed value yields an [*Error] naming the
// variable.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string, settings ...Setting) (*Config, []string, error) {
	values := make(map[string]*string, len(settings))
	for _, s := range settings {
		help := s.Usage + " (env " + s.Env
		if s.Default != "" {
			help += ", default " + s.Default
		}
		help += ")"
		values[s.Flag] = fs.String(s.Flag, "", help)
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	fromFlag := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { fromFlag[f.Name] = true })

	cfg := &Config{}
	// Apply defaults of every setting first so fields not chosen by this
	// command still hold their documented defaults.
	for _, s := range All {
		if s.Default != "" {
			if err := s.apply(cfg, s.Default); err != nil {
				return nil, nil, fmt.Errorf("default of %s: %w", s.Env, err)
			}
		}
	}
	for _, s := range settings {
		raw := s.Default
		if v := getenv(s.Env); v != "" {
			raw = v
		}
		if fromFlag[s.Flag] {
			raw = *values[s.Flag]
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			if s.Required {
				return nil, nil, &Error{Env: s.Env, Flag: s.Flag, Problem: "is required: " + s.Usage, Example: s.Example}
			}
			if err := s.apply(cfg, ""); err != nil {
				return nil, nil, &Error{Env: s.Env, Flag: s.Flag, Problem: err.Error(), Example: s.Example}
			}
			continue
		}
		if err := s.apply(cfg, raw); err != nil {
			return nil, nil, &Error{Env: s.Env, Flag: s.Flag, Problem: err.Error(), Example: s.Example}
		}
		if s.Secret {
			cfg.rememberSecret(raw)
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return cfg, positional, nil
}

// parseInterspersed parses flags wherever they appear among positional
// arguments (`argus migrate up --database-url …` as well as
// `argus migrate --database-url … up`); "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// Logger builds the process logger described by the configuration.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	if len(c.secretValues) > 0 {
		h = redact.NewHandler(h, redact.New(c.secretValues...))
	}
	return slog.New(h)
}

// rememberSecret keeps the value of a secret setting (and, for a URL, its
// password) so the logger masks it wherever it appears.
func (c *Config) rememberSecret(raw string) {
	c.secretValues = append(c.secretValues, raw)
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			c.secretValues = append(c.secretValues, pw)
		}
	}
	for _, part := range strings.Split(raw, ",") { // id=key lists
		if _, v, ok := strings.Cut(part, "="); ok && len(v) >= 8 {
			c.secretValues = append(c.secretValues, v)
		}
	}
}

// IsConfigError reports whether err is about a setting's value.
func IsConfigError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
