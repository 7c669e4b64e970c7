package calibration_test

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
	"github.com/argusqa/argus/demo/calibration"
)

// TestCalibrateSubset runs the calibration the way `make calibrate` does,
// on a subset small enough for `make test`: the clean app, one bug and one
// benign drift, one explicit-step test and one goal-only test (whose
// replay is recorded with the demo's scripted plan).
func TestCalibrateSubset(t *testing.T) {
	if _, err := exec.LookPath("chromedriver"); err != nil {
		t.Skip("chromedriver not installed: run `make deps`")
	}
	browsertest.ChromiumPath(t)
	p, err := local.New(local.Config{MaxSessions: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(t.Context()) })

	const bug, drift = "login-accepts-any-password", "drift-swapped-login-fields"
	rep, err := calibration.Run(t.Context(), calibration.Config{
		Browser: p,
		Mutants: []string{bug, drift},
		Tests:   []string{"Login rejects a wrong password", "Find the price of the ergonomic mouse"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != 3 {
		t.Fatalf("%d tables, want steps, replay and model", len(rep.Tables))
	}
	steps, replay, model := rep.Tables[0], rep.Tables[1], rep.Tables[2]

	// Explicit steps: the wrong-password test should fail on the bug only;
	// the swapped fields are found by their labels.
	if !steps.Ran || len(steps.Variants) != 3 {
		t.Fatalf("steps: %+v", steps)
	}
	want := calibration.Counts{TruePass: 2, TrueFail: 1}
	if got := steps.Counts; got.TruePass != want.TruePass || got.TrueFail != want.TrueFail || got.FalsePass+got.FalseFail+got.ErrShouldFix+got.ErrShouldOK != 0 {
		t.Errorf("steps counts = %+v, want %+v", got, want)
	}
	if c := steps.Caught["Login rejects a wrong password"]; !slices.Equal(c, []string{bug}) {
		t.Errorf("caught = %v", steps.Caught)
	}

	// Replays: the price test's replay passes on all three (neither
	// mutant touches the search).
	if !replay.Ran || replay.Counts.TruePass != 3 || replay.Counts.FalsePass != 0 {
		t.Errorf("replay: %+v", replay.Counts)
		for _, v := range replay.Variants {
			t.Logf("%s: %+v", v.Name, v.Results)
		}
	}
	if model.Ran || !strings.Contains(model.Reason, "no model configured") {
		t.Errorf("model mode without a model: %+v", model)
	}

	var out bytes.Buffer
	if err := calibration.WriteTables(&out, rep); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"mode steps: 1 tests × 3 variants", "0 false pass", "false-pass rate 0.0 %", "mode model: not run", "Login rejects a wrong password caught 1: " + bug} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("tables lack %q:\n%s", w, out.String())
		}
	}
}
