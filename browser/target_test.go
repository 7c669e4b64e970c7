package browser

import (
	"errors"
	"testing"
)

func TestTargetValidate(t *testing.T) {
	good := []Target{ByIndex(3), ByText("Sign in"), ByLabel("Email"), ByRole("button", "Save"), ByRole("link", ""), ByCSS("#x")}
	for _, tg := range good {
		if err := tg.Validate(); err != nil {
			t.Errorf("%s: %v", tg, err)
		}
	}
	bad := []Target{{}, {Index: -1}, {Index: 1, Text: "x"}, {Label: "a", CSS: "b"}, {Name: "Save"}, {Text: "  "}, {Text: "x", Name: "y"}}
	for _, tg := range bad {
		if err := tg.Validate(); !errors.Is(err, ErrInvalidTarget) {
			t.Errorf("%+v: %v, want ErrInvalidTarget", tg, err)
		}
	}
	if s := (Target{Index: 2, Role: "button", Name: "Go"}).String(); s != `[2] + role button "Go"` {
		t.Errorf("String = %q", s)
	}
	if s := (Target{}).String(); s != "(empty target)" {
		t.Errorf("String = %q", s)
	}
}

func TestParseKeyCombo(t *testing.T) {
	for _, c := range []struct {
		in       string
		mods     int
		key, txt string
	}{
		{"Enter", 0, "Enter", "\r"},
		{"enter", 0, "Enter", "\r"},
		{"a", 0, "a", "a"},
		{"Control+a", modCtrl, "a", "a"},
		{"Ctrl+Shift+Tab", modCtrl | modShift, "Tab", ""},
		{"Meta+Enter", modMeta, "Enter", "\r"},
		{"Control++", modCtrl, "+", "+"},
		{"F5", 0, "F5", ""},
		{"Space", 0, " ", " "},
		{"é", 0, "é", "é"},
	} {
		mods, k, err := parseKeyCombo(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		held := 0
		for _, m := range mods {
			held |= m.mod
		}
		if held != c.mods || k.key != c.key || k.text != c.txt {
			t.Errorf("%q = mods %d key %q text %q", c.in, held, k.key, k.text)
		}
	}
	for _, bad := range []string{"", "Hyper", "a+b", "Enter+a", "F13", "Foo+Enter"} {
		if _, _, err := parseKeyCombo(bad); !errors.Is(err, ErrInvalidTarget) {
			t.Errorf("%q: %v, want ErrInvalidTarget", bad, err)
		}
	}
	if k := charKey('A'); k.code != "KeyA" || k.vk != 65 {
		t.Errorf("charKey(A) = %+v", k)
	}
	if k := charKey('\n'); k.key != "Enter" {
		t.Errorf("charKey(newline) = %+v", k)
	}
}
