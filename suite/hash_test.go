package suite

import (
	"testing"
)

func mustParseOne(t *testing.T, src string) *Test {
	t.Helper()
	tests, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) != 1 {
		t.Fatalf("%d tests", len(tests))
	}
	return tests[0]
}

const hashBase = `name: Log in
url: /login
goal: Log in and see the dashboard.
steps:
  - navigate "/login"
  - click "Log in"
checkpoints: [the dashboard shows]
`

func TestHashIgnoresWhatDoesNotChangeBehaviour(t *testing.T) {
	base := mustParseOne(t, hashBase).Hash()
	same := map[string]string{
		"respelt steps, other file shape": `tests:
  - name: Log in
    url: /login
    goal: "Log in and see the dashboard.   "
    steps:
      - go to /login
      - click text "Log in"
    checkpoints:
      - the dashboard shows
`,
		"tags, timeout, expected_failure, comments": "# c\n" + hashBase + "tags: [smoke]\ntimeout: 1m\nexpected_failure: bug\n",
	}
	for name, src := range same {
		if h := mustParseOne(t, src).Hash(); h != base {
			t.Errorf("%s: hash changed", name)
		}
	}
	// The same test in another file keeps its hash.
	tc := mustParseOne(t, hashBase)
	tc.Pos = Position{File: "elsewhere.yaml", Line: 40}
	if tc.Hash() != base {
		t.Error("position changes the hash")
	}
}

func TestHashChangesWithBehaviour(t *testing.T) {
	base := mustParseOne(t, hashBase)
	seen := map[string]string{base.Hash(): "base"}
	variants := map[string]func(*Test){
		"name":               func(t *Test) { t.Name = "Log in!" },
		"url":                func(t *Test) { t.URL = "/login?x" },
		"goal":               func(t *Test) { t.Goal += " Quickly." },
		"step value":         func(t *Test) { t.Steps[0].Value = "/signin" },
		"step locator kind":  func(t *Test) { t.Steps[1].Target = Locator{Label: "Log in"} },
		"step order":         func(t *Test) { t.Steps[0], t.Steps[1] = t.Steps[1], t.Steps[0] },
		"step removed":       func(t *Test) { t.Steps = t.Steps[:1] },
		"checkpoint":         func(t *Test) { t.Checkpoints[0] = "the dashboard shows up" },
		"checkpoint added":   func(t *Test) { t.Checkpoints = append(t.Checkpoints, "x") },
		"goal/name boundary": func(t *Test) { t.Name, t.Goal = t.Name+"Log in and", " see the dashboard." },
		"role":               func(t *Test) { t.Role = "ux-auditor" },
	}
	for name, change := range variants {
		tc := mustParseOne(t, hashBase)
		change(tc)
		h := tc.Hash()
		if prev, dup := seen[h]; dup {
			t.Errorf("%s: same hash as %s", name, prev)
		}
		seen[h] = name
	}
}

// TestHashIsPinned guards the replay cache: if this value changes, the
// hash input changed, and hashVersion must change with it so old caches
// are ignored rather than misread.
func TestHashIsPinned(t *testing.T) {
	const want = "add9441bec8978b6568e51ba417cfd36530b837a4951ef9e7b33c17b85ff3b49"
	if got := mustParseOne(t, hashBase).Hash(); got != want {
		t.Fatalf("Hash() = %s, want %s (bump hashVersion if the input changed on purpose)", got, want)
	}
}
