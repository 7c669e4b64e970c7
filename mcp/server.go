package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Config configures a Server. Backend is required.
type Config struct {
	// Backend returns what a tool call works on: fixed for stdio, the
	// caller's principal for HTTP. Required.
	Backend func(ctx context.Context, req *sdk.CallToolRequest) (Backend, error)

	// Version is reported to clients. Default "dev".
	Version string

	// Logger receives diagnostics. Default: discard.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c Config) validate() error {
	if c.Backend == nil {
		return errors.New("mcp: Config.Backend is required")
	}
	return nil
}

// New returns an MCP server with Argus's tools; serve it over stdio with
// Run or over HTTP with HTTPHandler.
func New(cfg Config) (*sdk.Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := sdk.NewServer(&sdk.Implementation{Name: "argus", Title: "Argus AI QA", Version: cfg.Version}, &sdk.ServerOptions{
		Logger:       cfg.Logger,
		Instructions: instructions,
	})
	t := &tools{cfg: cfg}
	t.register(s)
	return s, nil
}

const instructions = `Argus runs tests of a web application in a real browser: explicit steps (click "Sign in", expect text "Welcome") run without a model; a goal in plain language needs one.
Use list_tests to see the tests, run_tests to run them (or an ad-hoc goal/steps + URL), get_agent for one test's steps and screenshots, explain_failure when a test failed, save_test to add or change a test file.
A verdict "failed" means the application did not do what the test says; "error" means Argus could not find out.`

// Serve serves s over a byte stream of newline-delimited JSON-RPC, such
// as stdin and stdout, until ctx ends or the client closes its end.
func Serve(ctx context.Context, s *sdk.Server, in io.Reader, out io.Writer) error {
	t := &sdk.IOTransport{Reader: io.NopCloser(in), Writer: nopWriteCloser{out}}
	if err := s.Run(ctx, t); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("mcp: %w", err)
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// Fixed is Config.Backend for a server with one Backend (stdio).
func Fixed(b Backend) func(context.Context, *sdk.CallToolRequest) (Backend, error) {
	return func(context.Context, *sdk.CallToolRequest) (Backend, error) { return b, nil }
}
