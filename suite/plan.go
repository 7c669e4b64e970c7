package suite

import (
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/argusqa/argus/plan"
)

// MaxPlanTests is the most tests one plan holds.
const MaxPlanTests = 50

// Plan is a set of tests run as a graph: each test starts once the tests
// it needs have passed, and sees the values they remembered. Its tests
// are also in the suite's test list, each pointing back at the plan.
type Plan struct {
	// Name identifies the plan; unique among the plans loaded together.
	Name string
	// Tests are the plan's tests in the order written.
	Tests []*Test
	// Pos is where the plan is defined.
	Pos Position
}

// Nodes returns the plan's graph for package plan.
func (p *Plan) Nodes() []plan.Node {
	nodes := make([]plan.Node, len(p.Tests))
	for i, t := range p.Tests {
		nodes[i] = plan.Node{Name: t.Name, Needs: t.Needs}
	}
	return nodes
}

// Test returns the plan's test called name, or nil.
func (p *Plan) Test(name string) *Test {
	for _, t := range p.Tests {
		if t.Name == name {
			return t
		}
	}
	return nil
}

var planKeys = []string{"plan", "tests"}

// definitions reads a document that defines something other than tests
// on their own: a plan (plan: and tests:), prompt roles (roles:) or
// personas (personas:).
func (d *decoder) definitions(m *ast.MappingNode, kind string) {
	allowed := []string{kind}
	if kind == "plan" {
		allowed = planKeys
	}
	for _, mv := range m.Values {
		k, _ := keyName(mv.Key)
		if !contains(allowed, k) {
			d.errorf(d.pos(mv.Key), "", "%q next to %q: a %s document has only %s", k, kind, kind, strings.Join(allowed, " and "))
		}
	}
	switch kind {
	case "plan":
		d.planDoc(m)
	case "roles":
		d.rolesDoc(findKey(m, "roles").Value)
	case "personas":
		d.personasDoc(findKey(m, "personas").Value)
	}
}

func (d *decoder) planDoc(m *ast.MappingNode) {
	nameKV := findKey(m, "plan")
	p := &Plan{Pos: d.pos(m)}
	if s, ok := d.line(nameKV.Value, "plan"); ok {
		p.Name = d.checkLen(nameKV.Value, "plan", s, MaxNameLen)
	}
	tests := findKey(m, "tests")
	if tests == nil {
		d.errorf(p.Pos, "", `the plan %q has no tests; list them under "tests:", each with the names it needs under "needs:"`, p.Name)
		return
	}
	if seq, ok := tests.Value.(*ast.SequenceNode); ok && len(seq.Values) > MaxPlanTests {
		d.errorf(d.pos(tests.Value), "tests", "the plan has %d tests; at most %d are allowed", len(seq.Values), MaxPlanTests)
		return
	}
	before := len(d.errs)
	d.plan = p
	d.testList(tests.Value)
	d.plan = nil
	if len(d.errs) != before || len(p.Tests) == 0 {
		return
	}
	for _, prob := range plan.Check(p.Nodes()) {
		t := p.Test(prob.Node)
		d.errorf(t.Pos, "needs", "%s", prob.Msg)
	}
	if len(d.errs) == before {
		d.plans = append(d.plans, p)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
