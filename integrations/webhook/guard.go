package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/internal/outbound"
)

// Errors of the outbound guard; test with errors.Is.
var (
	// ErrBlockedAddress: the endpoint resolves to an address webhooks may
	// not reach (loopback, private, metadata, …).
	ErrBlockedAddress = errors.New("webhook endpoint address is not allowed")
	// ErrInvalidURL: the endpoint is not an absolute http(s) URL.
	ErrInvalidURL = errors.New("webhook URL must be an absolute http(s) URL such as https://hooks.example.com/argus")
	// ErrUnresolvable: the endpoint's host name does not resolve.
	ErrUnresolvable = errors.New("webhook host name does not resolve")
)

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver = netpolicy.Resolver

// Guard decides which addresses webhook deliveries may connect to: the
// address policy of package netpolicy with the webhook settings. It is
// safe for concurrent use.
type Guard struct {
	policy *netpolicy.Policy
	dialer *net.Dialer
}

// NewGuard returns a guard for cfg.
func NewGuard(cfg GuardConfig) *Guard {
	p := &netpolicy.Policy{
		AllowPrivate: cfg.AllowPrivate,
		AllowCIDRs:   cfg.AllowCIDRs,
		// An operator may list their own receiver's address even where it
		// looks like a metadata service; the browser's policy never may.
		CIDRsMayAllowMetadata: true,
		Hint:                  "set ARGUS_WEBHOOK_ALLOW_PRIVATE or ARGUS_WEBHOOK_ALLOW_CIDRS to allow it",
	}
	if cfg.Resolver != nil {
		p.Resolver = cfg.Resolver
	}
	g := &Guard{policy: p, dialer: p.Dialer(DefaultTimeout)}
	return g
}

// CheckAddr reports whether deliveries may connect to ip: nil for public
// unicast addresses and for addresses the configuration allows, an error
// wrapping ErrBlockedAddress otherwise.
func (g *Guard) CheckAddr(ip netip.Addr) error {
	return blocked(g.policy.CheckAddr(ip))
}

// blocked restates a policy refusal as the guard's own error.
func blocked(err error) error {
	var be *netpolicy.BlockedError
	switch {
	case errors.As(err, &be):
		return fmt.Errorf("%w: %s", ErrBlockedAddress, be.Detail())
	case errors.Is(err, netpolicy.ErrUnresolvable):
		return fmt.Errorf("%w: %s", ErrUnresolvable, strings.TrimPrefix(err.Error(), netpolicy.ErrUnresolvable.Error()+": "))
	case errors.Is(err, netpolicy.ErrBlocked):
		return fmt.Errorf("%w: %w", ErrBlockedAddress, err)
	}
	return err
}

// Validate checks an endpoint URL when it is saved: it must be an absolute
// http(s) URL whose host resolves only to allowed addresses. Deliveries
// check again on every connection, so a name that later resolves elsewhere
// is still refused.
func (g *Guard) Validate(ctx context.Context, raw string) error {
	u, err := parseEndpoint(raw)
	if err != nil {
		return err
	}
	if _, err := g.policy.CheckHost(ctx, u.Hostname()); err != nil {
		return fmt.Errorf("%s: %w", u.Hostname(), blocked(err))
	}
	return nil
}

// parseEndpoint accepts absolute http(s) URLs with a host.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, ErrInvalidURL
	}
	return u, nil
}

// Validate is Guard.Validate for a one-off check, as the API makes when a
// project's webhook URL is saved; errors wrap ErrInvalidURL,
// ErrUnresolvable or ErrBlockedAddress and read well as a 400 detail.
func Validate(ctx context.Context, cfg GuardConfig, raw string) error {
	return NewGuard(cfg).Validate(ctx, raw)
}

// DialContext connects to addr ("host:port") if every address the host
// resolves to is allowed. A name that resolves to a mix of public and
// blocked addresses is refused as a whole, since which one is used would
// be up to the attacker's DNS server.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := g.policy.DialContext(ctx, g.dialer, network, addr)
	return conn, blocked(err)
}

// Client returns an HTTP client that connects only through the guard,
// ignores proxy settings (a proxy would connect on our behalf, past the
// guard), does not follow redirects (a redirect is the receiver's answer,
// recorded as such), and gives up after timeout.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	tr := outbound.NewTransport() // the spec's pool
	tr.Proxy = nil
	tr.DialContext = g.DialContext
	tr.TLSHandshakeTimeout = timeout
	tr.ResponseHeaderTimeout = timeout
	return &http.Client{
		Timeout:       timeout,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
