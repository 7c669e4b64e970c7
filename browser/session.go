package browser

import (
	"context"
	"encoding/json"
)

// Session is one isolated browser driven by one agent. Every method that
// talks to the browser takes a context and gives up when it ends.
//
// A Session is safe for concurrent use, but the agent loop uses it from
// one goroutine; the concurrency that matters is Close (or the idle
// watchdog) interrupting a call in flight, which then fails promptly.
type Session interface {
	// ID returns the session's id (the WebDriver session id).
	ID() string

	// Navigate loads an http(s) URL (or about:blank) and waits for its
	// load event, at most the page load timeout (ErrPageLoadTimeout).
	// Other schemes, file: above all, are refused: the model must not
	// read the worker's disk.
	Navigate(ctx context.Context, url string) error
	// Back, Forward and Refresh move through history like the browser's
	// buttons and wait for the page like Navigate.
	Back(ctx context.Context) error
	Forward(ctx context.Context) error
	Refresh(ctx context.Context) error

	// Observe returns the page's compact model in one round trip to the
	// page. Its element indices are what Target.Index refers to.
	Observe(ctx context.Context, opts ObserveOptions) (*Observation, error)
	// Screenshot returns a PNG of the viewport.
	Screenshot(ctx context.Context) ([]byte, error)

	// Click scrolls the target into view, waits until it is actionable
	// (rendered, enabled, not moving, not covered; at most the action
	// timeout, else ErrNotActionable) and clicks its centre with trusted
	// mouse input. It never clicks through JavaScript. It returns the
	// element as it was just before the click.
	Click(ctx context.Context, t Target) (Element, error)
	// Type focuses the target like Click (unless it has focus) and types
	// text as trusted key presses, "\n" as Enter. The text is typed as
	// given: callers substitute secrets before and redact after.
	Type(ctx context.Context, t Target, text string, opts TypeOptions) (Element, error)
	// Select chooses the option of a <select> whose value or label matches
	// option (exact first, then partial, case-insensitive), firing input
	// and change events. The returned element's Value is the chosen label.
	Select(ctx context.Context, t Target, option string) (Element, error)
	// PressKey presses a key or combination on the focused element, e.g.
	// "Enter", "Escape", "Tab", "ArrowDown", "Control+a", "Shift+Tab".
	PressKey(ctx context.Context, key string) error
	// Scroll scrolls the target into view, or the page by a delta.
	Scroll(ctx context.Context, opts ScrollOptions) error
	// Upload sets a local file on an input[type=file] (the target may also
	// be its label or a container holding it).
	Upload(ctx context.Context, t Target, path string) (Element, error)
	// ExecuteScript runs script as a function body in the page with W3C
	// semantics (arguments available as `arguments`, a returned promise
	// awaited) and returns the JSON result.
	ExecuteScript(ctx context.Context, script string, args ...any) (json.RawMessage, error)

	// Console returns a copy of the page's console messages, uncaught
	// errors and dialogs so far (at most MaxConsoleEntries, oldest dropped
	// first). Empty when the endpoint offers no BiDi.
	Console() []ConsoleEntry
	// Network returns a copy of the finished requests so far (at most
	// MaxNetworkEvents, oldest dropped first).
	Network() []NetworkEvent

	// Close ends the session and destroys the browser (including the
	// provider's process or container) within about 5 s. The cleanup runs
	// to the end even if ctx is cancelled; Close then returns early with
	// ctx's error. Calling Close again is harmless.
	Close(ctx context.Context) error
}

// TypeOptions tune Session.Type.
type TypeOptions struct {
	// Clear empties the field first (select all + Backspace, as a user
	// would), so the text replaces the old value instead of following it.
	Clear bool
}

// ScrollOptions tell Session.Scroll where to go: Target set scrolls that
// element into the middle of the viewport; otherwise the page (or the
// scrollable area under the viewport's centre when the page itself does
// not scroll) moves by DeltaX, DeltaY pixels, positive meaning right/down.
type ScrollOptions struct {
	Target         *Target
	DeltaX, DeltaY int
}
