package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServerConfig configures Start.
type ServerConfig struct {
	// App configures the application itself.
	App Config
	// Addr is the address to listen on. It must be a loopback address: the
	// demo app has a known password and must never be reachable from the
	// network. Default "127.0.0.1:0", a free port.
	Addr string
	// Logger receives server errors. Default: App.Logger, else discard.
	Logger *slog.Logger
}

// WithDefaults returns c with every unset field set to its default.
func (c ServerConfig) WithDefaults() ServerConfig {
	c.App = c.App.WithDefaults()
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.Logger == nil {
		c.Logger = c.App.Logger
	}
	return c
}

func (c ServerConfig) validate() error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", c.Addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address: the demo app listens on 127.0.0.1 or ::1 only", c.Addr)
	}
	return nil
}

// Server is the demo app listening on a loopback address.
type Server struct {
	url      string
	srv      *http.Server
	done     chan struct{} // closed when Serve returns
	serveErr error         // Serve's error, set before done closes
}

// Start serves the demo app on cfg.Addr until Shutdown. It returns once the
// listener is open, so the URL is ready to use; ctx bounds only the start.
func Start(ctx context.Context, cfg ServerConfig) (*Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("start demo app: %w", err)
	}
	a, err := New(cfg.App)
	if err != nil {
		return nil, err
	}
	addr := cfg.Addr
	if host, port, _ := net.SplitHostPort(addr); host == "localhost" {
		// Resolve to the IPv4 loopback explicitly: "localhost" could resolve
		// to something else on a misconfigured host.
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start demo app: listen on %s: %w", addr, err)
	}
	s := &Server{
		url: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           a,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       90 * time.Second,
			ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
	}()
	return s, nil
}

// URL is the app's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// Shutdown stops accepting connections and waits for open requests to
// finish, until ctx ends. Calling it again is harmless.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stop demo app: %w", err)
	}
	select {
	case <-s.done:
	case <-ctx.Done():
		return fmt.Errorf("stop demo app: %w", ctx.Err())
	}
	if s.serveErr != nil {
		return fmt.Errorf("demo app: %w", s.serveErr)
	}
	return nil
}
