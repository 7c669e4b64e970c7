package suite

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Key names follow the W3C UI Events "key" values that WebDriver
// understands, so an executor maps them without guessing.
var namedKeys = []string{
	"Enter", "Tab", "Escape", "Backspace", "Delete", "Insert", "Space",
	"ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
	"Home", "End", "PageUp", "PageDown",
	"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12",
}

// modifierKeys in the order a canonical chord lists them.
var modifierKeys = []string{"Control", "Alt", "Shift", "Meta"}

// keyAliases are common spellings people write for the names above.
var keyAliases = map[string]string{
	"return": "Enter", "esc": "Escape", "del": "Delete", "ins": "Insert",
	"up": "ArrowUp", "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight",
	"pgup": "PageUp", "pgdn": "PageDown", "pagedown": "PageDown", "pageup": "PageUp",
	"spacebar": "Space", "ctrl": "Control", "cmd": "Meta", "command": "Meta",
	"option": "Alt", "super": "Meta", "win": "Meta",
}

// lookupKey returns the canonical name of a named key or modifier,
// matched case-insensitively.
func lookupKey(name string) (canon string, modifier bool, ok bool) {
	lower := strings.ToLower(name)
	if a, found := keyAliases[lower]; found {
		lower = strings.ToLower(a)
	}
	for _, m := range modifierKeys {
		if strings.ToLower(m) == lower {
			return m, true, true
		}
	}
	for _, k := range namedKeys {
		if strings.ToLower(k) == lower {
			return k, false, true
		}
	}
	return "", false, false
}

// SplitChord splits a canonical key such as "Control+Shift+a" into its
// parts; a "+" key is kept whole ("Control++" gives Control and +).
func SplitChord(key string) []string {
	if key == "+" {
		return []string{"+"}
	}
	var parts []string
	if strings.HasSuffix(key, "++") {
		parts = append(strings.Split(strings.TrimSuffix(key, "++"), "+"), "+")
	} else {
		parts = strings.Split(key, "+")
	}
	return parts
}

// canonicalKey validates a key or chord and returns its canonical spelling:
// named keys and modifiers with their canonical case, modifiers first in a
// fixed order, single characters as written.
func canonicalKey(key string) (string, error) {
	if key == "" {
		return "", fmt.Errorf("no key given; %s", keyHelp)
	}
	parts := SplitChord(key)
	mods := make(map[string]bool)
	var final string
	for i, p := range parts {
		if p == "" {
			return "", fmt.Errorf("key %q has an empty part; write chords like Control+a", key)
		}
		canon, isMod, ok := lookupKey(p)
		if ok && isMod {
			if mods[canon] {
				return "", fmt.Errorf("key %q repeats %s", key, canon)
			}
			mods[canon] = true
			continue
		}
		if !ok {
			r, size := utf8.DecodeRuneInString(p)
			switch {
			case size != len(p):
				msg := fmt.Sprintf("unknown key %q", p)
				if s := suggest(p, keyCandidates()); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				return "", fmt.Errorf("%s; %s", msg, keyHelp)
			case r == ' ':
				canon = "Space"
			case r == utf8.RuneError || !unicode.IsPrint(r):
				return "", fmt.Errorf("key %q is not a printable character; %s", p, keyHelp)
			default:
				canon = p
			}
		}
		if i != len(parts)-1 {
			return "", fmt.Errorf("key %q: %s must come last; only Control, Alt, Shift and Meta can be combined with +", key, p)
		}
		final = canon
	}
	var b strings.Builder
	for _, m := range modifierKeys {
		if mods[m] {
			if b.Len() > 0 {
				b.WriteByte('+')
			}
			b.WriteString(m)
		}
	}
	if final != "" {
		if b.Len() > 0 {
			b.WriteByte('+')
		}
		b.WriteString(final)
	}
	return b.String(), nil
}

const keyHelp = "keys are Enter, Tab, Escape, Backspace, Delete, Insert, Space, ArrowUp, ArrowDown, ArrowLeft, ArrowRight, Home, End, PageUp, PageDown, F1–F12, a single character, or a chord such as Control+a or Shift+Tab"

func keyCandidates() []string {
	return append(append([]string{}, namedKeys...), modifierKeys...)
}
