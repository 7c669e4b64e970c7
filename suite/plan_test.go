package suite

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const planYAML = `plan: Order and ship
tests:
  - name: Order
    persona: buyer
    steps:
      - click "Place order"
      - remember text of "Order number" as order_id
  - name: Ship
    persona: seller
    needs: Order
    url: /orders/{{vars.order_id}}
    steps:
      - click "Mark {{vars.order_id}} as shipped"
  - name: Track
    needs: [Ship, Order]
    role: functional-qa
    goal: Check that order {{vars.order_id}} shows as shipped.
`

func TestParsePlan(t *testing.T) {
	f, err := ParseFile("plan.yaml", []byte(planYAML))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Plans) != 1 || len(f.Tests) != 3 {
		t.Fatalf("plans %d, tests %d", len(f.Plans), len(f.Tests))
	}
	p := f.Plans[0]
	if p.Name != "Order and ship" || len(p.Tests) != 3 || f.Tests[1].Plan != p || p.Test("Ship") != f.Tests[1] {
		t.Fatalf("plan %+v", p)
	}
	if got := f.Tests[2].Needs; len(got) != 2 || got[0] != "Ship" {
		t.Errorf("needs %v", got)
	}
	if got := f.Tests[1].Needs; len(got) != 1 || got[0] != "Order" {
		t.Errorf("a single need: %v", got)
	}
	if got := f.Tests[0].Remembers(); len(got) != 1 || got[0] != "order_id" {
		t.Errorf("remembers %v", got)
	}
	if got := f.Tests[1].Vars(); len(got) != 1 || got[0] != "order_id" {
		t.Errorf("vars %v", got)
	}
	if f.Tests[2].Role != "functional-qa" {
		t.Errorf("role %q", f.Tests[2].Role)
	}
	ex, err := f.Tests[1].ExpandVars(map[string]string{"order_id": "A-1001"})
	if err != nil {
		t.Fatal(err)
	}
	if ex.URL != "/orders/A-1001" || ex.Steps[0].Target.Text != "Mark A-1001 as shipped" || f.Tests[1].URL != "/orders/{{vars.order_id}}" {
		t.Errorf("expanded %q %q; original %q", ex.URL, ex.Steps[0].Target.Text, f.Tests[1].URL)
	}
	if ex.Hash() == f.Tests[1].Hash() {
		t.Error("the expanded test hashes like the original: replays must be keyed by the original")
	}
	if _, err := f.Tests[1].ExpandVars(nil); err == nil || !strings.Contains(err.Error(), "{{vars.order_id}}") {
		t.Errorf("missing value: %v", err)
	}
}

func TestPlanErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"name: a\nneeds: [b]\nsteps: [reload]\n", "2:1: needs: needs is for the tests of a plan"},
		{"plan: p\ntests:\n  - name: a\n    needs: [b]\n    steps: [reload]\n", `3:5: needs: test "a" needs "b", which is not a test of this plan`},
		{"plan: p\ntests:\n  - name: a\n    needs: b\n    steps: [reload]\n  - name: b\n    needs: a\n    steps: [reload]\n", `go round in a circle: "a" needs "b" needs "a"`},
		{"plan: p\n", `the plan "p" has no tests`},
		{"plan: p\nname: x\ntests:\n  - name: a\n    steps: [reload]\n", `"name" next to "plan"`},
		{"plan: p\ntests:\n  - name: a\n    needs: [a]\n    steps: [reload]\n", `test "a" needs itself`},
		{"name: a\nsteps:\n  - remember text of \"Order\" as order-id\n", `cannot name a remembered value`},
		{"name: a\nsteps:\n  - remember \"Order\" as x\n", `expected "text of"`},
		{"name: a\nsteps:\n  - type \"{{ vars.x }}\" into \"Order\"\n", `malformed value placeholder`},
		{"name: a\nrole: UX\nsteps: [reload]\n", `role name "UX" must start with a lower-case letter`},
		{"roles:\n  - name: ux-auditor\n    prompt: x\n", `"ux-auditor" is a built-in role`},
		{"roles:\n  - name: tester\n", `a role needs a name and a prompt`},
		{"personas:\n  - name: buyer\n    pasword_secret: pw\n", `unknown key "pasword_secret" (did you mean "password_secret"?)`},
		{"personas:\n  - name: buyer\n    password_secret: \"{{secret.pw}}\"\n", `is not a secret's name`},
	}
	for _, c := range cases {
		_, err := ParseFile("x.yaml", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Errorf("%q: not an ErrorList: %T", c.src, err)
		}
	}
}

func TestRememberStepRoundTrip(t *testing.T) {
	for _, src := range []string{`remember text of "Order number" as order_id`, `remember text of css=#total as total`, `remember text of role status as msg`} {
		st, err := ParseStep(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if st.Verb != VerbRemember || st.String() != src {
			t.Errorf("%s: %v → %q", src, st.Verb, st.String())
		}
	}
	if _, err := ParseStep(`save text of "x" as y`); err == nil || !strings.Contains(err.Error(), `did you mean "remember"`) {
		t.Errorf("synonym: %v", err)
	}
}

func TestLoadSuiteRolesAndPersonas(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plan.yaml", planYAML)
	write("roles.yaml", "roles:\n  - name: checkout-auditor\n    prompt: Look hard at totals.\n")
	write("personas.yaml", "personas:\n  - name: buyer\n    email: demo@example.com\n    password_secret: demo_password\n    locale: en-GB\n")
	write("x.yaml", "name: Audit the checkout\nrole: checkout-auditor\ngoal: Buy a lamp.\n")
	st, err := LoadSuite(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tests) != 4 || len(st.Plans) != 1 || len(st.Roles) != 1 || st.Persona("buyer") == nil || st.Persona("buyer").Locale != "en-GB" {
		t.Fatalf("suite %+v", st)
	}
	roles := st.RoleSet()
	if r, ok := roles["checkout-auditor"]; !ok || r.Prompt != "Look hard at totals." {
		t.Errorf("suite role: %+v", r)
	}
	for _, b := range []string{"explorer", "functional-qa", "ux-auditor", "accessibility-auditor"} {
		if r, ok := roles[b]; !ok || !r.Builtin || r.Prompt == "" {
			t.Errorf("built-in %s: %+v", b, r)
		}
	}

	write("x.yaml", "name: Audit the checkout\nrole: checkout-audit\ngoal: Buy a lamp.\n")
	if _, err := LoadSuite(dir); err == nil || !strings.Contains(err.Error(), `unknown role "checkout-audit" (did you mean "checkout-auditor"?)`) {
		t.Errorf("unknown role: %v", err)
	}
	write("x.yaml", "plan: Order and ship\ntests:\n  - name: Other\n    steps: [reload]\n")
	if _, err := LoadSuite(dir); err == nil || !strings.Contains(err.Error(), `duplicate plan name "Order and ship"`) {
		t.Errorf("duplicate plan: %v", err)
	}
}
