package browser

import (
	"errors"
	"fmt"
)

// Errors a Session returns, for errors.Is. The wrapped message says what
// happened in words a model can act on.
var (
	// ErrIdleTimeout: the idle watchdog closed the session because it got
	// no command for SessionConfig.IdleTimeout.
	ErrIdleTimeout = errors.New("browser: session closed after being idle too long")
	// ErrSessionClosed: the session was closed (by Close or its provider).
	ErrSessionClosed = errors.New("browser: session closed")
	// ErrStaleTarget: an index from an outdated observation; the page
	// navigated or the element changed or left. Observe again.
	ErrStaleTarget = errors.New("browser: target is stale")
	// ErrNotFound: no element matches the target.
	ErrNotFound = errors.New("browser: no such element")
	// ErrNotActionable: the element exists but did not become usable
	// (visible, enabled, in view, uncovered) within the action timeout.
	ErrNotActionable = errors.New("browser: element not actionable")
	// ErrInvalidTarget: the target or action arguments are malformed.
	ErrInvalidTarget = errors.New("browser: invalid target")
	// ErrPageLoadTimeout: a navigation did not finish within the page load
	// timeout.
	ErrPageLoadTimeout = errors.New("browser: page load timed out")
)

// fmtErr wraps a sentinel with a formatted explanation.
func fmtErr(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
