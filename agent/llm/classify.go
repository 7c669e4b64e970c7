package llm

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// IsRetryable reports whether another attempt could succeed where this one
// failed:
//
//   - an [*APIError] with status 408, 429 or 5xx;
//   - a timeout: the per-call timeout ([ErrCallTimeout]), a deadline inside
//     the SDK or HTTP client, a network timeout;
//   - a broken connection: reset, refused, aborted, broken pipe, or closed
//     early (EOF);
//   - a temporary DNS failure.
//
// Everything else — other 4xx, a cancelled context, a response that cannot
// be decoded, an invalid request — would fail the same way again.
//
// The caller's own context is checked separately by [WithRetry]: once it is
// done nothing is retried, whatever the error.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrCallTimeout) {
		return true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Retryable()
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	for _, transient := range []error{
		syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED,
		syscall.EPIPE, syscall.ETIMEDOUT, io.EOF, io.ErrUnexpectedEOF,
	} {
		if errors.Is(err, transient) {
			return true
		}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && (dnsErr.IsTemporary || dnsErr.IsTimeout) {
		return true
	}
	return false
}
