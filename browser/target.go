package browser

import (
	"fmt"
	"strconv"
	"strings"
)

// Target addresses the element an action applies to. Set exactly one of
// Index, Text, Label, Role (optionally with Name) or CSS.
//
// Index comes from the latest observation and is what the model uses. The
// other fields serve explicit test steps such as `click "Sign in"`; they are
// matched case-insensitively on whitespace-collapsed text, an exact match
// winning over a partial one, the first in document order winning among
// equals. All of them search open shadow roots and same-origin iframes.
type Target struct {
	// Index is an element's index from the latest observation (1-based).
	// If the page navigated or the element changed since (its tag, role or
	// accessible name differ), the action fails with ErrStaleTarget instead
	// of touching whatever now sits at that position.
	Index int
	// Text matches an interactive element's accessible name or text; when
	// none matches, the innermost rendered element showing that text.
	Text string
	// Label matches a form field by its label, aria-label or placeholder.
	Label string
	// Role matches an ARIA role (explicit or implicit: "button", "link",
	// "textbox", "checkbox", ...); Name, if set, its accessible name.
	Role string
	Name string
	// CSS matches the first element for a CSS selector.
	CSS string
}

// ByIndex, ByText, ByLabel, ByRole and ByCSS build targets.
func ByIndex(i int) Target            { return Target{Index: i} }
func ByText(s string) Target          { return Target{Text: s} }
func ByLabel(s string) Target         { return Target{Label: s} }
func ByRole(role, name string) Target { return Target{Role: role, Name: name} }
func ByCSS(sel string) Target         { return Target{CSS: sel} }

// Validate reports a target that sets none or several ways of addressing.
func (t Target) Validate() error {
	n := 0
	if t.Index != 0 {
		n++
	}
	for _, s := range []string{t.Text, t.Label, t.Role, t.CSS} {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	switch {
	case t.Index < 0:
		return fmt.Errorf("%w: index %d is negative", ErrInvalidTarget, t.Index)
	case n == 0 && t.Name != "":
		return fmt.Errorf("%w: Name needs a Role", ErrInvalidTarget)
	case n == 0:
		return fmt.Errorf("%w: set one of index, text, label, role or CSS", ErrInvalidTarget)
	case n > 1:
		return fmt.Errorf("%w: %s sets more than one of index, text, label, role and CSS", ErrInvalidTarget, t)
	case t.Name != "" && t.Role == "":
		return fmt.Errorf("%w: Name needs a Role", ErrInvalidTarget)
	}
	return nil
}

// String describes the target for tool results and errors, e.g. `[12]` or
// `text "Sign in"`.
func (t Target) String() string {
	var parts []string
	if t.Index != 0 {
		parts = append(parts, "["+strconv.Itoa(t.Index)+"]")
	}
	if t.Text != "" {
		parts = append(parts, "text "+quote(t.Text))
	}
	if t.Label != "" {
		parts = append(parts, "label "+quote(t.Label))
	}
	if t.Role != "" {
		r := "role " + t.Role
		if t.Name != "" {
			r += " " + quote(t.Name)
		}
		parts = append(parts, r)
	}
	if t.CSS != "" {
		parts = append(parts, "css "+quote(t.CSS))
	}
	if len(parts) == 0 {
		return "(empty target)"
	}
	return strings.Join(parts, " + ")
}
