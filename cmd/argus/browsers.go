package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/docker"
	"github.com/argusqa/argus/browser/grid"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/internal/config"
)

// openBrowsers starts the browser provider the configuration names, capped
// at max concurrent sessions. baseURL, when on loopback, makes the docker
// provider share the host's network so the containers can reach the app.
func openBrowsers(ctx context.Context, cfg *config.Config, max int, baseURL string, log *slog.Logger) (browser.Provider, error) {
	session := browser.SessionConfig{PageLoadTimeout: cfg.PageLoadTimeout, IdleTimeout: cfg.BrowserIdleTimeout}
	switch cfg.Browser {
	case "docker":
		network := cfg.BrowserNetwork
		if network == "" && isLoopbackURL(baseURL) {
			network = "host"
		}
		p, err := docker.New(ctx, docker.Config{
			Image: cfg.BrowserImage, Network: network, MaxSessions: max,
			IdleTimeout: cfg.BrowserIdleTimeout, NodeName: cfg.NodeName, Session: session, Logger: log,
		})
		if err != nil {
			return nil, fmt.Errorf("docker browsers: %w (is the Docker engine running, and was `make browser-image` run?)", err)
		}
		return p, nil
	case "grid":
		// The browser runs on a Grid node: its egress proxy must listen
		// where that node can connect.
		session.EgressProxyListen = net.JoinHostPort(cmp.Or(cfg.GridProxyAddress, "127.0.0.1"), "0")
		p, err := grid.New(grid.Config{URL: cfg.GridURL, MaxSessions: max, Session: session, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("grid browsers: %w", err)
		}
		return p, nil
	default:
		p, err := local.New(local.Config{MaxSessions: max, Session: session, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("local browser: %w (install them with `sudo apt-get install chromium chromium-driver`, or run `make demo` once)", err)
		}
		return p, nil
	}
}

// isLoopbackURL reports whether raw points at this machine's loopback.
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// closeBrowsers closes what openBrowsers opened, within 30 s, even when
// ctx is already cancelled (an interrupted run still removes its browsers).
func closeBrowsers(ctx context.Context, browsers browser.Provider, log *slog.Logger) {
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := browsers.Close(closeCtx); err != nil {
		log.Warn("closing the browsers", "error", err)
	}
}
