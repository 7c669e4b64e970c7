package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
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
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Guard decides which addresses webhook deliveries may connect to. It is
// safe for concurrent use.
type Guard struct {
	cfg    GuardConfig
	dialer net.Dialer
}

// NewGuard returns a guard for cfg.
func NewGuard(cfg GuardConfig) *Guard {
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	g := &Guard{cfg: cfg}
	g.dialer = net.Dialer{
		Timeout:   DefaultTimeout,
		KeepAlive: 30 * time.Second,
		// The last word: whatever resolved the name, this runs with the
		// address the socket is about to connect to.
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: cannot parse %q", ErrBlockedAddress, address)
			}
			return g.CheckAddr(ap.Addr())
		},
	}
	return g
}

// Ranges that are not reachable public unicast addresses, beyond what
// netip's predicates cover (RFC 6890 and the IANA special-purpose
// registries).
var reserved = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// Cloud instance-metadata services, which hand out credentials to whoever
// asks from inside the machine: AWS, GCP, Azure and OpenStack use
// 169.254.169.254 (AWS also fd00:ec2::254, ECS 169.254.170.2), Alibaba
// 100.100.100.200, Oracle 192.0.0.192.
var metadata = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("169.254.170.2"),
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
	netip.MustParseAddr("192.0.0.192"),
}

// IPv6 prefixes that carry an IPv4 address a gateway would connect to.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// classify names why ip is not a public unicast address, or returns "".
func classify(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsMulticast():
		return "multicast"
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, r := range reserved {
		if r.prefix.Contains(ip) {
			return r.what
		}
	}
	return ""
}

// embedded returns the IPv4 address inside a NAT64 or 6to4 address.
func embedded(ip netip.Addr) (netip.Addr, bool) {
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// CheckAddr reports whether deliveries may connect to ip: nil for public
// unicast addresses and for addresses the configuration allows, an error
// wrapping ErrBlockedAddress otherwise.
func (g *Guard) CheckAddr(ip netip.Addr) error {
	ip = ip.WithZone("").Unmap()
	for _, p := range g.cfg.AllowCIDRs {
		if p.Contains(ip) {
			return nil
		}
	}
	for _, m := range metadata {
		if ip == m {
			return fmt.Errorf("%w: %s is a cloud metadata address", ErrBlockedAddress, ip)
		}
	}
	if v4, ok := embedded(ip); ok {
		if err := g.CheckAddr(v4); err != nil {
			return fmt.Errorf("%s embeds %s: %w", ip, v4, err)
		}
	}
	if what := classify(ip); what != "" && !g.cfg.AllowPrivate {
		return fmt.Errorf("%w: %s is a %s address (set ARGUS_WEBHOOK_ALLOW_PRIVATE or ARGUS_WEBHOOK_ALLOW_CIDRS to allow it)",
			ErrBlockedAddress, ip, what)
	}
	return nil
}

// resolve returns host's addresses, or host itself when it is an address
// literal.
func (g *Guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	ips, err := g.cfg.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnresolvable, host)
	}
	return ips, nil
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
	ips, err := g.resolve(ctx, u.Hostname())
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if err := g.CheckAddr(ip); err != nil {
			return fmt.Errorf("%s: %w", u.Hostname(), err)
		}
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
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if err := g.CheckAddr(ip); err != nil {
			return nil, err
		}
	}
	var firstErr error
	for _, ip := range ips {
		conn, err := g.dialer.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// Client returns an HTTP client that connects only through the guard,
// ignores proxy settings (a proxy would connect on our behalf, past the
// guard), does not follow redirects (a redirect is the receiver's answer,
// recorded as such), and gives up after timeout.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           g.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
