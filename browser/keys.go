package browser

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/argusqa/argus/browser/webdriver"
)

// keyDef describes one key for both input paths: the DOM key/code values
// and Windows virtual key code CDP needs, the text it types, and the W3C
// code point the Actions API needs.
type keyDef struct {
	key  string // KeyboardEvent.key
	code string // KeyboardEvent.code
	vk   int    // windowsVirtualKeyCode
	text string // inserted text, "" for none
	w3c  string // W3C key value
	mod  int    // CDP modifier bit if this is a modifier
}

// CDP modifier bits.
const (
	modAlt   = 1
	modCtrl  = 2
	modMeta  = 4
	modShift = 8
)

func namedKey(name string) (keyDef, bool) {
	switch strings.ToLower(name) {
	case "enter", "return":
		return keyDef{"Enter", "Enter", 13, "\r", webdriver.KeyEnter, 0}, true
	case "tab":
		return keyDef{"Tab", "Tab", 9, "", webdriver.KeyTab, 0}, true
	case "backspace":
		return keyDef{"Backspace", "Backspace", 8, "", webdriver.KeyBackspace, 0}, true
	case "delete", "del":
		return keyDef{"Delete", "Delete", 46, "", webdriver.KeyDelete, 0}, true
	case "escape", "esc":
		return keyDef{"Escape", "Escape", 27, "", webdriver.KeyEscape, 0}, true
	case "space":
		return keyDef{" ", "Space", 32, " ", " ", 0}, true
	case "arrowleft", "left":
		return keyDef{"ArrowLeft", "ArrowLeft", 37, "", webdriver.KeyArrowLeft, 0}, true
	case "arrowup", "up":
		return keyDef{"ArrowUp", "ArrowUp", 38, "", webdriver.KeyArrowUp, 0}, true
	case "arrowright", "right":
		return keyDef{"ArrowRight", "ArrowRight", 39, "", webdriver.KeyArrowRight, 0}, true
	case "arrowdown", "down":
		return keyDef{"ArrowDown", "ArrowDown", 40, "", webdriver.KeyArrowDown, 0}, true
	case "home":
		return keyDef{"Home", "Home", 36, "", webdriver.KeyHome, 0}, true
	case "end":
		return keyDef{"End", "End", 35, "", webdriver.KeyEnd, 0}, true
	case "pageup":
		return keyDef{"PageUp", "PageUp", 33, "", webdriver.KeyPageUp, 0}, true
	case "pagedown":
		return keyDef{"PageDown", "PageDown", 34, "", webdriver.KeyPageDown, 0}, true
	case "insert":
		return keyDef{"Insert", "Insert", 45, "", webdriver.KeyInsert, 0}, true
	case "shift":
		return keyDef{"Shift", "ShiftLeft", 16, "", webdriver.KeyShift, modShift}, true
	case "control", "ctrl":
		return keyDef{"Control", "ControlLeft", 17, "", webdriver.KeyControl, modCtrl}, true
	case "alt", "option":
		return keyDef{"Alt", "AltLeft", 18, "", webdriver.KeyAlt, modAlt}, true
	case "meta", "cmd", "command", "super":
		return keyDef{"Meta", "MetaLeft", 91, "", webdriver.KeyMeta, modMeta}, true
	}
	n := strings.ToLower(name)
	if len(n) >= 2 && len(n) <= 3 && n[0] == 'f' {
		var i int
		if _, err := fmt.Sscanf(n[1:], "%d", &i); err == nil && i >= 1 && i <= 12 {
			w3c := string(rune(0xE031 + i - 1))
			return keyDef{fmt.Sprintf("F%d", i), fmt.Sprintf("F%d", i), 111 + i, "", w3c, 0}, true
		}
	}
	return keyDef{}, false
}

// charKey describes the key that types r.
func charKey(r rune) keyDef {
	switch r {
	case '\n', '\r':
		k, _ := namedKey("Enter")
		return k
	case '\t':
		k, _ := namedKey("Tab")
		return k
	}
	s := string(r)
	k := keyDef{key: s, text: s, w3c: s}
	switch {
	case r >= 'a' && r <= 'z':
		k.code, k.vk = "Key"+strings.ToUpper(s), int(r-'a'+'A')
	case r >= 'A' && r <= 'Z':
		k.code, k.vk = "Key"+s, int(r)
	case r >= '0' && r <= '9':
		k.code, k.vk = "Digit"+s, int(r)
	case r == ' ':
		k.code, k.vk = "Space", 32
	}
	return k
}

// parseKeyCombo parses "Enter", "a", "Control+a", "Shift+Tab" into the
// modifiers held and the key pressed.
func parseKeyCombo(combo string) (mods []keyDef, key keyDef, err error) {
	if strings.TrimSpace(combo) == "" {
		return nil, keyDef{}, fmtErr(ErrInvalidTarget, "empty key")
	}
	parts := strings.Split(combo, "+")
	// "Control++" means Control and the plus key.
	if strings.HasSuffix(combo, "++") {
		parts = append(strings.Split(strings.TrimSuffix(combo, "++"), "+"), "+")
	}
	for i, p := range parts {
		last := i == len(parts)-1
		if k, ok := namedKey(strings.TrimSpace(p)); ok {
			if !last {
				if k.mod == 0 {
					return nil, keyDef{}, fmtErr(ErrInvalidTarget, "key %q: %s is not a modifier (Shift, Control, Alt, Meta)", combo, p)
				}
				mods = append(mods, k)
				continue
			}
			key = k
			continue
		}
		if last && utf8.RuneCountInString(p) == 1 {
			r, _ := utf8.DecodeRuneInString(p)
			key = charKey(r)
			continue
		}
		return nil, keyDef{}, fmtErr(ErrInvalidTarget, "unknown key %q in %q (use names like Enter, Tab, Escape, ArrowDown, F5, or one character)", p, combo)
	}
	return mods, key, nil
}
