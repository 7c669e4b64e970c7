package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/argusqa/argus/internal/netpolicy"
)

// ErrBlocked: the target policy refused a request the page or the agent
// made. The wrapped message names the request and the rule, e.g. "blocked
// by Argus's target policy: GET http://169.254.169.254/ (169.254.169.254 is
// a cloud metadata address)".
var ErrBlocked = errors.New("browser: blocked by Argus's target policy")

// EgressPolicy is where a browser may send requests. The browser runs
// inside the server's network, so every request it makes — navigations,
// redirects, frames, subresources, fetch/XHR, WebSockets — goes through
// the session's egress proxy (egressproxy.go), which connects only where
// the policy allows; a refused one fails in the page with a 403 and never
// leaves the machine.
type EgressPolicy struct {
	// Addresses is the address policy every request's host must pass after
	// resolution (cloud metadata always refused; private ranges as the
	// policy says). Nil checks no addresses.
	Addresses *netpolicy.Policy
	// Origins are the origins top-level navigations may reach, e.g.
	// "https://shop.example.com" (the project's base URL) and its allowed
	// origins. Empty lets navigations go anywhere the address policy allows.
	Origins []string
	// BlockThirdParty refuses every request, subresources too, to an origin
	// outside Origins: hermetic tests of applications that call home.
	BlockThirdParty bool
}

// request is one intercepted request, as the policy sees it.
type request struct {
	Method string
	URL    string
	// TopLevel is a navigation of a top-level browsing context (a tab), as
	// opposed to a frame's navigation or a subresource.
	TopLevel bool
}

// check returns nil when the policy lets r through, else the reason in
// words for the record, e.g. "127.0.0.2 is a loopback address".
func (p *EgressPolicy) check(ctx context.Context, r request) string {
	if p == nil {
		return ""
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return "the URL does not parse"
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		// data:, blob: and the like never reach the network.
		return ""
	}
	if p.Addresses != nil {
		if _, err := p.Addresses.CheckHost(ctx, u.Hostname()); err != nil {
			var be *netpolicy.BlockedError
			if errors.As(err, &be) {
				return be.Detail()
			}
			if errors.Is(err, netpolicy.ErrUnresolvable) {
				// The browser would fail on it too; refusing keeps a name
				// that resolves differently for the browser out.
				return "the host name " + u.Hostname() + " does not resolve"
			}
			return err.Error()
		}
	}
	if len(p.Origins) == 0 {
		return ""
	}
	origin := Origin(u)
	if slices.Contains(p.Origins, origin) {
		return ""
	}
	switch {
	case r.TopLevel:
		return "navigation outside the allowed origins " + strings.Join(p.Origins, ", ")
	case p.BlockThirdParty:
		return "third-party request outside the allowed origins " + strings.Join(p.Origins, ", ") + " (block_third_party_requests is on)"
	}
	return ""
}

// Origin returns u's origin in the form EgressPolicy.Origins uses:
// lower-case scheme and host, the port only when it is not the scheme's
// default, WebSocket schemes counted as their HTTP equivalents.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "ws":
		scheme = "http"
	case "wss":
		scheme = "https"
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// NewEgressPolicy builds the policy of one agent: navigations may reach the
// base URL's origin and the allowed origins; addresses pass addr.
func NewEgressPolicy(addr *netpolicy.Policy, baseURL string, allowedOrigins []string, blockThirdParty bool) (*EgressPolicy, error) {
	p := &EgressPolicy{Addresses: addr, BlockThirdParty: blockThirdParty}
	for _, raw := range append([]string{baseURL}, allowedOrigins...) {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("browser: target policy: %q is not an absolute URL", raw)
		}
		if o := Origin(u); !slices.Contains(p.Origins, o) {
			p.Origins = append(p.Origins, o)
		}
	}
	return p, nil
}

// AgentTarget is where one agent starts and what else its browser may
// reach, as a project (server) or a run's flags (CLI) say.
type AgentTarget struct {
	// BaseURL is the application's URL; its origin is always allowed.
	BaseURL string
	// StartURL is where the agent begins, absolute or relative to BaseURL;
	// its origin is allowed too.
	StartURL string
	// AllowedOrigins are further origins navigations may reach.
	AllowedOrigins []string
	// BlockThirdParty refuses subresources outside those origins as well.
	BlockThirdParty bool
}

// A StartURLError is a start URL an agent cannot begin at: it does not
// parse, or the address policy refuses its host (Blocked is set). Both
// end the agent before a browser starts.
type StartURLError struct {
	// URL is the start URL as given, or resolved and redacted when it
	// parsed.
	URL string
	// Blocked is the address policy's refusal; nil when the URL does not
	// parse.
	Blocked *netpolicy.BlockedError
}

func (e *StartURLError) Error() string {
	if e.Blocked == nil {
		return fmt.Sprintf("the start URL %q does not parse", e.URL)
	}
	return fmt.Sprintf("%s is refused by the target policy: %s", e.URL, e.Blocked.Detail())
}

func (e *StartURLError) Unwrap() error {
	if e.Blocked == nil {
		return nil
	}
	return e.Blocked
}

// EgressFor is the policy of one agent's browser under the address policy
// addr. The start URL is checked first, so a refused one is a
// *StartURLError instead of a browser that opens on an error page. A host
// that does not resolve is not refused here: the navigation fails with the
// browser's own error, which says so better.
func EgressFor(ctx context.Context, addr *netpolicy.Policy, t AgentTarget) (*EgressPolicy, error) {
	start, err := url.Parse(t.BaseURL)
	if err == nil {
		start, err = start.Parse(t.StartURL)
	}
	if err != nil {
		return nil, &StartURLError{URL: t.StartURL}
	}
	if addr != nil {
		if _, err := addr.CheckHost(ctx, start.Hostname()); err != nil {
			var be *netpolicy.BlockedError
			if errors.As(err, &be) {
				return nil, &StartURLError{URL: start.Redacted(), Blocked: be}
			}
		}
	}
	origins := append([]string{start.String()}, t.AllowedOrigins...)
	return NewEgressPolicy(addr, t.BaseURL, origins, t.BlockThirdParty)
}

// GuardEgress puts an open session under p, for providers that open
// browsers before they know the agent (warm spares opened with a
// placeholder policy). A session opened without an EgressPolicy has no
// proxy to route through and cannot be guarded later: an error, never a
// browser running unguarded.
func GuardEgress(sess Session, p *EgressPolicy) error {
	s, ok := sess.(*wdSession)
	if !ok || s.egress == nil {
		if p == nil {
			return nil
		}
		return fmt.Errorf("browser: this %T session was opened without a target policy and cannot enforce one", sess)
	}
	s.egress.policy.Store(p)
	return nil
}
