package webdriver

import (
	"context"
	"time"
)

// ActionSequence is one input source's list of actions for Perform Actions.
// Build sequences with Pointer, Keyboard and Wheel.
type ActionSequence struct {
	Type       string             `json:"type"`
	ID         string             `json:"id"`
	Parameters *pointerParameters `json:"parameters,omitempty"`
	Actions    []Action           `json:"actions"`
}

type pointerParameters struct {
	PointerType string `json:"pointerType"`
}

// Action is one tick of an input source, e.g. from PointerMove or KeyDown.
type Action map[string]any

// Pointer returns a mouse input source running actions.
func Pointer(actions ...Action) ActionSequence {
	return ActionSequence{Type: "pointer", ID: "mouse", Parameters: &pointerParameters{PointerType: "mouse"}, Actions: actions}
}

// Keyboard returns a key input source running actions.
func Keyboard(actions ...Action) ActionSequence {
	return ActionSequence{Type: "key", ID: "keyboard", Actions: actions}
}

// Wheel returns a wheel input source running actions.
func Wheel(actions ...Action) ActionSequence {
	return ActionSequence{Type: "wheel", ID: "wheel", Actions: actions}
}

// PointerMove moves the mouse to (x, y) CSS pixels relative to the
// top-level viewport, instantly.
func PointerMove(x, y int) Action {
	return Action{"type": "pointerMove", "duration": 0, "x": x, "y": y, "origin": "viewport"}
}

// PointerMoveToElement moves the mouse to the centre of el, offset by
// (dx, dy).
func PointerMoveToElement(el Element, dx, dy int) Action {
	return Action{"type": "pointerMove", "duration": 0, "x": dx, "y": dy, "origin": el}
}

// PointerDown presses a mouse button (0 left, 1 middle, 2 right).
func PointerDown(button int) Action { return Action{"type": "pointerDown", "button": button} }

// PointerUp releases a mouse button.
func PointerUp(button int) Action { return Action{"type": "pointerUp", "button": button} }

// KeyDown presses one key: a character or a constant from keys.go.
func KeyDown(key string) Action { return Action{"type": "keyDown", "value": key} }

// KeyUp releases one key.
func KeyUp(key string) Action { return Action{"type": "keyUp", "value": key} }

// Pause waits d within a sequence.
func Pause(d time.Duration) Action { return Action{"type": "pause", "duration": d.Milliseconds()} }

// Scroll turns the wheel by (dx, dy) pixels with the pointer at (x, y) of
// the viewport.
func Scroll(x, y, dx, dy int) Action {
	return Action{"type": "scroll", "x": x, "y": y, "deltaX": dx, "deltaY": dy, "duration": 0, "origin": "viewport"}
}

// PerformActions runs the sequences tick by tick as trusted input.
func (s *Session) PerformActions(ctx context.Context, seqs ...ActionSequence) error {
	return s.post(ctx, "/actions", map[string]any{"actions": seqs}, nil)
}

// ReleaseActions releases every key and button still pressed.
func (s *Session) ReleaseActions(ctx context.Context) error {
	return s.del(ctx, "/actions")
}
