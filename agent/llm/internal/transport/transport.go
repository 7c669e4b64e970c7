// Package transport builds the HTTP clients the model providers hand to their
// SDKs, and records each call's HTTP status and headers so that provider
// errors can be classified the same way whatever the SDK made of them.
package transport

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/internal/outbound"
)

// Dial and handshake bounds; the pool itself is outbound's.
const (
	dialTimeout         = 10 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
)

// NewClient returns an HTTP client for one provider. timeout bounds a whole
// exchange (llm.DefaultCallTimeout when zero); dialling and TLS have their own
// short bounds so that an unreachable host fails fast and is retried rather
// than eating the whole call timeout. TLS 1.3 is required: the trust center
// promises it for all connections. Proxies from the environment are honoured
// (never for loopback).
func NewClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = llm.DefaultCallTimeout
	}
	base := outbound.NewTransport() // the spec's pool
	base.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	base.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS13}
	base.TLSHandshakeTimeout = tlsHandshakeTimeout
	return &http.Client{Transport: &recorder{base: base}, Timeout: timeout}
}

// Wrap returns a copy of c whose transport also records responses, for
// clients supplied by the caller (a nil c gets [NewClient]'s defaults).
func Wrap(c *http.Client, timeout time.Duration) *http.Client {
	if c == nil {
		return NewClient(timeout)
	}
	cp := *c
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	if _, ok := base.(*recorder); !ok {
		cp.Transport = &recorder{base: base}
	}
	return &cp
}

// Exchange records the last HTTP response of one model call.
type Exchange struct {
	mu     sync.Mutex
	status int
	header http.Header
}

type exchangeKey struct{}

// Capture returns a context under which the clients of [NewClient] record
// responses into the returned Exchange.
func Capture(ctx context.Context) (context.Context, *Exchange) {
	ex := &Exchange{}
	return context.WithValue(ctx, exchangeKey{}, ex), ex
}

// Response returns the status and headers of the last response, or 0 when
// none arrived.
func (e *Exchange) Response() (int, http.Header) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status, e.header
}

// APIError returns the call's HTTP failure as an *llm.APIError wrapping err,
// with the retry hint from the headers, or nil when no error response
// (status ≥ 400) arrived — then err is a transport or decoding error and is
// classified as such. The caller fills Message from its SDK's error.
//
// The status comes from the wire rather than the SDK's error type because
// SDKs lose it on bodies they cannot decode (a proxy's HTML 502 page).
func (e *Exchange) APIError(provider string, err error) *llm.APIError {
	status, header := e.Response()
	if status < 400 {
		return nil
	}
	return &llm.APIError{
		Provider:   provider,
		StatusCode: status,
		RetryAfter: llm.ParseRetryAfter(header),
		Err:        err,
	}
}

type recorder struct{ base http.RoundTripper }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if ex, ok := req.Context().Value(exchangeKey{}).(*Exchange); ok && resp != nil {
		ex.mu.Lock()
		ex.status, ex.header = resp.StatusCode, resp.Header.Clone()
		ex.mu.Unlock()
	}
	return resp, err
}
