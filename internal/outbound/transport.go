// Package outbound is the HTTP client side of Argus: the connection pool
// the trust-center spec lists (100 idle connections, 20 per host, 90 s idle
// timeout), for every client that calls out — webhooks (through the
// address guard), GitHub, PostHog, Google Cloud Storage, Microsoft Graph
// and the model providers.
package outbound

import (
	"net"
	"net/http"
	"time"
)

// Limits of the outgoing connection pool, from the trust-center spec.
const (
	MaxIdleConns        = 100
	MaxIdleConnsPerHost = 20
	IdleConnTimeout     = 90 * time.Second
)

// NewTransport returns a transport with the spec's pool limits and
// otherwise the standard library's defaults (proxy from the environment,
// HTTP/2 when offered, sensible dial and TLS handshake timeouts). Share one
// per process: a transport per request defeats connection reuse.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          MaxIdleConns,
		MaxIdleConnsPerHost:   MaxIdleConnsPerHost,
		IdleConnTimeout:       IdleConnTimeout,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// Transport is the process-wide outgoing transport.
var Transport = NewTransport()

// Client returns a client on Transport whose requests end after timeout
// (0: no overall timeout; use request contexts instead).
func Client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: Transport, Timeout: timeout}
}
