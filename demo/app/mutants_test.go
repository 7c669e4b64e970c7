package app

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestMutantsStart(t *testing.T) {
	bugs, drifts := 0, 0
	for _, m := range Mutants() {
		switch m.Kind {
		case Bug:
			bugs++
			if len(m.Breaks) == 0 {
				t.Errorf("bug %s breaks no test: the calibration could not tell whether it was caught", m.Name)
			}
		case Drift:
			drifts++
			if len(m.Breaks) != 0 {
				t.Errorf("drift %s breaks %v; a drift must break nothing", m.Name, m.Breaks)
			}
		}
		a, err := New(Config{BcryptCost: bcrypt.MinCost, Mutant: m.Name})
		if err != nil {
			t.Errorf("%s: %v", m.Name, err)
			continue
		}
		// Every rewrite changes its file (New already parsed the templates).
		for _, rw := range m.rewrites {
			clean, _ := (&App{}).readFile(rw.file)
			got, err := a.readFile(rw.file)
			if err != nil || bytes.Equal(clean, got) {
				t.Errorf("%s: rewrite of %s changed nothing (%v)", m.Name, rw.file, err)
			}
		}
	}
	if bugs < 20 || drifts < 3 {
		t.Errorf("%d bugs and %d drifts; the calibration promises at least 20 and 3", bugs, drifts)
	}
	if _, err := New(Config{Mutant: "no-such-bug"}); err == nil || !strings.Contains(err.Error(), "price-off-by-one-cent") {
		t.Errorf("unknown mutant: %v", err)
	}
}
