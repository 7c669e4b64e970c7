package agent

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/suite"
)

// ReplayVersion is the format version of saved replays.
const ReplayVersion = 1

// Replay is a passing run saved as explicit steps, to be repeated with no
// model. Steps that act on an element carry its fingerprint, so the replay
// clicks the same element even when its index changed, and notices when it
// is gone. Secrets stay placeholders: a replay holds no secret value.
type Replay struct {
	Version int `json:"version"`
	// Key is the content hash of the test it belongs to; a changed test
	// does not use an old replay.
	Key   string       `json:"key"`
	Test  string       `json:"test"`
	Model string       `json:"model,omitempty"`
	Saved time.Time    `json:"saved"`
	Steps []ReplayStep `json:"steps"`
}

// ReplayStep is one saved step.
type ReplayStep struct {
	Step suite.Step `json:"step"`
	// Element identifies the element the step acted on, when it did.
	Element *Fingerprint `json:"element,omitempty"`
	// Checkpoint names the checkpoint an expectation step verifies.
	Checkpoint string `json:"checkpoint,omitempty"`
}

// Fingerprint identifies an element across page loads: its kind, its
// accessible name and its place in the document.
type Fingerprint struct {
	Tag   string `json:"tag"`
	Role  string `json:"role,omitempty"`
	Name  string `json:"name,omitempty"`
	Type  string `json:"type,omitempty"`
	Path  string `json:"path"`
	Frame string `json:"frame,omitempty"`
}

func fingerprintOf(e browser.Element) *Fingerprint {
	return &Fingerprint{Tag: e.Tag, Role: e.Role, Name: e.Name, Type: e.Type, Path: e.Path, Frame: e.Frame}
}

// same reports whether e is the element f describes, ignoring its place.
func (f *Fingerprint) same(e browser.Element) bool {
	return e.Tag == f.Tag && e.Role == f.Role && e.Name == f.Name && e.Type == f.Type && e.Frame == f.Frame
}

// find returns the element of obs that f describes: the one of the same
// kind and name at the same place, else the only one of the same kind and
// name anywhere.
func (f *Fingerprint) find(obs *browser.Observation) (browser.Element, bool) {
	var candidates []browser.Element
	for _, e := range obs.Elements {
		if !f.same(e) {
			continue
		}
		if e.Path == f.Path {
			return e, true
		}
		candidates = append(candidates, e)
	}
	if len(candidates) == 1 {
		return candidates[0], true
	}
	return browser.Element{}, false
}

func (f *Fingerprint) String() string {
	kind := f.Role
	if kind == "" || kind == "generic" {
		kind = f.Tag
	}
	if f.Name != "" {
		return fmt.Sprintf("%s %q", kind, f.Name)
	}
	return kind + " at " + f.Path
}

// Validate checks a replay read from disk or the database.
func (r *Replay) Validate() error {
	if r.Version != ReplayVersion {
		return fmt.Errorf("replay format version %d, this Argus reads version %d", r.Version, ReplayVersion)
	}
	if len(r.Steps) == 0 {
		return fmt.Errorf("replay of %q has no steps", r.Test)
	}
	for i, s := range r.Steps {
		if err := s.Step.Validate(); err != nil {
			return fmt.Errorf("replay of %q, step %d: %w", r.Test, i+1, err)
		}
		if needsElement(s.Step.Verb) && s.Element == nil && s.Step.Target.IsZero() {
			return fmt.Errorf("replay of %q, step %d: %s needs an element", r.Test, i+1, s.Step.Verb)
		}
	}
	return nil
}

// MarshalReplay encodes a replay for storage.
func MarshalReplay(r *Replay) ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// UnmarshalReplay decodes and validates a stored replay.
func UnmarshalReplay(data []byte) (*Replay, error) {
	var r Replay
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

func needsElement(v suite.Verb) bool {
	switch v {
	case suite.VerbClick, suite.VerbType, suite.VerbTypeTOTP, suite.VerbClear, suite.VerbSelect, suite.VerbCheck,
		suite.VerbUncheck, suite.VerbUpload, suite.VerbScrollTo:
		return true
	}
	return false
}

// locatorFor turns an element the model acted on into the locator an
// explicit step would use, preferring what a person would write: the
// label of a field, the role and name of a control, its text.
func locatorFor(e browser.Element) (suite.Locator, bool) {
	switch {
	case e.Name == "":
		return suite.Locator{}, false
	case e.Role == "textbox" || e.Role == "combobox" || e.Role == "searchbox" || e.Role == "spinbutton" ||
		e.Role == "checkbox" || e.Role == "radio" || e.Tag == "select" || (e.Tag == "input" && e.Type == "file"):
		return suite.Locator{Label: e.Name}, true
	case e.Role != "" && e.Role != "generic":
		return suite.Locator{Role: e.Role, Name: e.Name}, true
	default:
		return suite.Locator{Text: e.Name}, true
	}
}

// cssFromPath turns an element path of the top document
// ("/html/body/form/div[2]/input") into a CSS selector, for elements
// without a name. Paths into frames or shadow roots have no CSS form.
func cssFromPath(path string) (string, bool) {
	if path == "" || strings.Contains(path, "#") {
		return "", false
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		name, index, hasIndex := strings.Cut(p, "[")
		if name == "" || strings.ContainsAny(name, ".:#>+~ ") {
			return "", false
		}
		if hasIndex {
			n := strings.TrimSuffix(index, "]")
			if _, err := strconv.Atoi(n); err != nil {
				return "", false
			}
			name += ":nth-of-type(" + n + ")"
		}
		out = append(out, name)
	}
	return strings.Join(out, " > "), true
}
