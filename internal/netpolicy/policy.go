package netpolicy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Errors of a Policy; test with errors.Is.
var (
	// ErrBlocked: the address (or one the host name resolves to) is not
	// allowed. The error's text says which address and why.
	ErrBlocked = errors.New("address not allowed")
	// ErrUnresolvable: the host name does not resolve.
	ErrUnresolvable = errors.New("host name does not resolve")
)

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy says which addresses a connection may use. The zero value allows
// public unicast addresses only. It is safe for concurrent use.
type Policy struct {
	// AllowPrivate allows every non-public class (loopback, private,
	// link-local, carrier-grade NAT, unspecified…) except cloud metadata.
	AllowPrivate bool
	// AllowCIDRs are ranges allowed although they are not public, e.g.
	// 10.1.2.0/24 for one internal application, or 127.0.0.1/32.
	AllowCIDRs []netip.Prefix
	// CIDRsMayAllowMetadata lets an AllowCIDRs range open a metadata
	// address. Webhooks keep this for operators whose own receiver sits at
	// such an address; the browser's target policy never sets it, so no
	// setting can expose the metadata service to a page.
	CIDRsMayAllowMetadata bool
	// Hint is appended to refusals of non-public addresses, naming the
	// settings that would allow them, e.g. "set ARGUS_TARGET_ALLOW_PRIVATE
	// or ARGUS_TARGET_ALLOW_CIDRS to allow it". Optional.
	Hint string
	// Resolver looks up host names. Default net.DefaultResolver.
	Resolver Resolver
}

// BlockedError is a refusal: which address, and its class.
type BlockedError struct {
	Addr  netip.Addr
	Class Class
	Hint  string
}

func (e *BlockedError) Error() string {
	msg := fmt.Sprintf("%s: %s is a %s address", ErrBlocked, e.Addr, e.Class)
	if e.Hint != "" && e.Class != Metadata {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Detail is the error's text without the leading sentinel, e.g.
// "169.254.169.254 is a cloud metadata address".
func (e *BlockedError) Detail() string {
	return strings.TrimPrefix(e.Error(), ErrBlocked.Error()+": ")
}

func (e *BlockedError) Unwrap() error { return ErrBlocked }

// CheckAddr returns nil if the policy allows ip, a *BlockedError
// otherwise.
func (p *Policy) CheckAddr(ip netip.Addr) error {
	ip = ip.WithZone("").Unmap()
	class := Classify(ip)
	if class == Public {
		return nil
	}
	if class == Metadata && !p.CIDRsMayAllowMetadata {
		return &BlockedError{Addr: ip, Class: class}
	}
	for _, pr := range p.AllowCIDRs {
		if pr.Contains(ip) {
			return nil
		}
	}
	if p.AllowPrivate && class != Metadata {
		return nil
	}
	return &BlockedError{Addr: ip, Class: class, Hint: p.Hint}
}

// Resolve returns host's addresses, or host itself when it is an address
// literal (brackets allowed). Errors wrap ErrUnresolvable.
func (p *Policy) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnresolvable, host)
	}
	return ips, nil
}

// CheckHost resolves host and checks every address it resolves to. A name
// with a mix of allowed and refused addresses is refused as a whole, since
// which one a connection uses would be up to the name's DNS server.
func (p *Policy) CheckHost(ctx context.Context, host string) ([]netip.Addr, error) {
	ips, err := p.Resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if err := p.CheckAddr(ip); err != nil {
			return nil, err
		}
	}
	return ips, nil
}

// Dialer returns a dialer that refuses, at the moment a socket is about to
// connect, any address the policy does not allow, whatever resolved the
// name: the last word against DNS rebinding.
func (p *Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{
		Timeout:   timeout,
		KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: cannot parse %q", ErrBlocked, address)
			}
			return p.CheckAddr(ap.Addr())
		},
	}
}

// DialContext connects to addr ("host:port") if every address host
// resolves to is allowed, trying them in order. The dialer's own check
// runs again on the address actually used.
func (p *Policy) DialContext(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := p.CheckHost(ctx, host)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
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
