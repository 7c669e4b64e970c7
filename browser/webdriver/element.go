package webdriver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// elementKey is the W3C web element identifier used to (de)serialize
// element references.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// shadowKey identifies a shadow root reference.
const shadowKey = "shadow-6066-11e4-a52e-4f735466cecf"

// By is a W3C location strategy.
type By string

// Location strategies.
const (
	ByCSS             By = "css selector"
	ByXPath           By = "xpath"
	ByLinkText        By = "link text"
	ByPartialLinkText By = "partial link text"
	ByTagName         By = "tag name"
)

// Element is a reference to an element in one browsing context of a
// session. It stays valid until the element leaves the DOM; afterwards
// commands fail with ErrStaleElementReference.
type Element struct {
	s  *Session
	id string
}

// ID returns the remote end's reference id.
func (e Element) ID() string { return e.id }

// MarshalJSON encodes the element as a W3C element reference, so an
// Element can be passed as a script argument.
func (e Element) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{elementKey: e.id})
}

// ElementFromJSON decodes a W3C element reference, e.g. the result of a
// script that returned a DOM element.
func (s *Session) ElementFromJSON(raw json.RawMessage) (Element, error) {
	var ref map[string]string
	if err := json.Unmarshal(raw, &ref); err != nil || ref[elementKey] == "" {
		return Element{}, fmt.Errorf("webdriver: not an element reference: %s", snippet(raw))
	}
	return Element{s: s, id: ref[elementKey]}, nil
}

func (s *Session) elementsFromJSON(raw []map[string]string) []Element {
	out := make([]Element, 0, len(raw))
	for _, r := range raw {
		out = append(out, Element{s: s, id: r[elementKey]})
	}
	return out
}

type locator struct {
	Using By     `json:"using"`
	Value string `json:"value"`
}

// FindElement returns the first element matching the locator in the current
// browsing context, or an error matching ErrNoSuchElement.
func (s *Session) FindElement(ctx context.Context, by By, value string) (Element, error) {
	var ref map[string]string
	if err := s.post(ctx, "/element", locator{by, value}, &ref); err != nil {
		return Element{}, err
	}
	return Element{s: s, id: ref[elementKey]}, nil
}

// FindElements returns all elements matching the locator (possibly none).
func (s *Session) FindElements(ctx context.Context, by By, value string) ([]Element, error) {
	var refs []map[string]string
	if err := s.post(ctx, "/elements", locator{by, value}, &refs); err != nil {
		return nil, err
	}
	return s.elementsFromJSON(refs), nil
}

// ActiveElement returns the focused element.
func (s *Session) ActiveElement(ctx context.Context) (Element, error) {
	var ref map[string]string
	if err := s.get(ctx, "/element/active", &ref); err != nil {
		return Element{}, err
	}
	return Element{s: s, id: ref[elementKey]}, nil
}

func (e Element) path(p string) string { return "/element/" + url.PathEscape(e.id) + p }

// FindElement searches below this element.
func (e Element) FindElement(ctx context.Context, by By, value string) (Element, error) {
	var ref map[string]string
	if err := e.s.post(ctx, e.path("/element"), locator{by, value}, &ref); err != nil {
		return Element{}, err
	}
	return Element{s: e.s, id: ref[elementKey]}, nil
}

// FindElements searches below this element.
func (e Element) FindElements(ctx context.Context, by By, value string) ([]Element, error) {
	var refs []map[string]string
	if err := e.s.post(ctx, e.path("/elements"), locator{by, value}, &refs); err != nil {
		return nil, err
	}
	return e.s.elementsFromJSON(refs), nil
}

// ShadowRoot returns the element's open shadow root, or an error matching
// ErrNoSuchShadowRoot.
func (e Element) ShadowRoot(ctx context.Context) (ShadowRoot, error) {
	var ref map[string]string
	if err := e.s.get(ctx, e.path("/shadow"), &ref); err != nil {
		return ShadowRoot{}, err
	}
	return ShadowRoot{s: e.s, id: ref[shadowKey]}, nil
}

// Click runs the W3C Element Click command: scroll into view, check that the
// element receives the click (else ErrElementClickIntercepted or
// ErrElementNotInteractable), dispatch trusted mouse input and wait for a
// navigation it may have started.
func (e Element) Click(ctx context.Context) error { return e.s.post(ctx, e.path("/click"), nil, nil) }

// Clear empties an editable element or resets a file input.
func (e Element) Clear(ctx context.Context) error { return e.s.post(ctx, e.path("/clear"), nil, nil) }

// SendKeys focuses the element and types text as trusted key events. Keys
// such as Enter are written with the constants in keys.go. For an
// input[type=file], text is a local path (several joined by "\n") on the
// machine running the browser.
func (e Element) SendKeys(ctx context.Context, text string) error {
	return e.s.post(ctx, e.path("/value"), map[string]string{"text": text}, nil)
}

// Text returns the element's rendered text.
func (e Element) Text(ctx context.Context) (string, error) {
	var t string
	err := e.s.get(ctx, e.path("/text"), &t)
	return t, err
}

// TagName returns the element's lower-case tag name.
func (e Element) TagName(ctx context.Context) (string, error) {
	var t string
	err := e.s.get(ctx, e.path("/name"), &t)
	return strings.ToLower(t), err
}

// Attribute returns an attribute's value; ok is false when it is absent.
func (e Element) Attribute(ctx context.Context, name string) (value string, ok bool, err error) {
	var v *string
	if err := e.s.get(ctx, e.path("/attribute/"+url.PathEscape(name)), &v); err != nil {
		return "", false, err
	}
	if v == nil {
		return "", false, nil
	}
	return *v, true, nil
}

// Property returns a DOM property's value as JSON.
func (e Element) Property(ctx context.Context, name string) (json.RawMessage, error) {
	var v json.RawMessage
	err := e.s.get(ctx, e.path("/property/"+url.PathEscape(name)), &v)
	return v, err
}

// Selected reports whether a checkbox, radio or option is selected.
func (e Element) Selected(ctx context.Context) (bool, error) {
	var b bool
	err := e.s.get(ctx, e.path("/selected"), &b)
	return b, err
}

// Enabled reports whether a form control is enabled.
func (e Element) Enabled(ctx context.Context) (bool, error) {
	var b bool
	err := e.s.get(ctx, e.path("/enabled"), &b)
	return b, err
}

// Rect is a position and size in CSS pixels.
type Rect struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// Rect returns the element's bounding box relative to the document.
func (e Element) Rect(ctx context.Context) (Rect, error) {
	var r Rect
	err := e.s.get(ctx, e.path("/rect"), &r)
	return r, err
}

// Screenshot returns a PNG of the element's bounding box.
func (e Element) Screenshot(ctx context.Context) ([]byte, error) {
	var b64 string
	if err := e.s.get(ctx, e.path("/screenshot"), &b64); err != nil {
		return nil, err
	}
	return decodePNG(b64)
}

// ShadowRoot is a reference to an open shadow root.
type ShadowRoot struct {
	s  *Session
	id string
}

// FindElement searches inside the shadow root (CSS and other non-XPath
// strategies only, as W3C specifies).
func (r ShadowRoot) FindElement(ctx context.Context, by By, value string) (Element, error) {
	var ref map[string]string
	if err := r.s.post(ctx, "/shadow/"+url.PathEscape(r.id)+"/element", locator{by, value}, &ref); err != nil {
		return Element{}, err
	}
	return Element{s: r.s, id: ref[elementKey]}, nil
}

// FindElements searches inside the shadow root.
func (r ShadowRoot) FindElements(ctx context.Context, by By, value string) ([]Element, error) {
	var refs []map[string]string
	if err := r.s.post(ctx, "/shadow/"+url.PathEscape(r.id)+"/elements", locator{by, value}, &refs); err != nil {
		return nil, err
	}
	return r.s.elementsFromJSON(refs), nil
}
