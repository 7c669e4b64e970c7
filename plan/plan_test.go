package plan

import (
	"reflect"
	"strings"
	"testing"
)

var diamond = []Node{
	{Name: "sign up"},
	{Name: "order", Needs: []string{"sign up"}},
	{Name: "profile", Needs: []string{"sign up"}},
	{Name: "ship", Needs: []string{"order"}},
	{Name: "track", Needs: []string{"ship", "profile"}},
}

func TestCheck(t *testing.T) {
	if p := Check(diamond); p != nil {
		t.Fatalf("a valid graph: %v", p)
	}
	cases := []struct {
		nodes []Node
		want  string
	}{
		{[]Node{{Name: "a", Needs: []string{"A "}}}, `test "a" needs "A ", which is not a test of this plan`},
		{[]Node{{Name: "order"}, {Name: "ship", Needs: []string{"Order"}}}, `(did you mean "order"?)`},
		{[]Node{{Name: "a", Needs: []string{"a"}}}, `test "a" needs itself`},
		{[]Node{{Name: "a"}, {Name: "b", Needs: []string{"a", "a"}}}, `lists the need "a" twice`},
		{[]Node{{Name: "a"}, {Name: "a"}}, `two tests of the plan are called "a"`},
		{[]Node{{Name: "a", Needs: []string{"c"}}, {Name: "b", Needs: []string{"a"}}, {Name: "c", Needs: []string{"b"}}},
			`go round in a circle: "a" needs "c" needs "b" needs "a"`},
	}
	for _, c := range cases {
		probs := Check(c.nodes)
		if len(probs) != 1 || !strings.Contains(probs[0].Msg, c.want) {
			t.Errorf("Check(%v) = %v, want one problem with %q", c.nodes, probs, c.want)
		}
	}
}

func TestAdvance(t *testing.T) {
	st := map[string]Status{}
	next := Advance(diamond, st)
	if !reflect.DeepEqual(next.Start, []string{"sign up"}) || next.Skip != nil {
		t.Fatalf("first: %+v", next)
	}
	st["sign up"] = Running
	if next := Advance(diamond, st); next.Start != nil || next.Skip != nil {
		t.Fatalf("while the root runs: %+v", next)
	}
	st["sign up"] = Passed
	if next := Advance(diamond, st); !reflect.DeepEqual(next.Start, []string{"order", "profile"}) {
		t.Fatalf("independent branches start together: %+v", next)
	}
	st["order"], st["profile"] = Failed, Running
	next = Advance(diamond, st)
	want := []Skip{{Node: "ship", Reason: `not run: it needs "order", which failed`}, {Node: "track", Reason: `not run: it needs "ship", which did not run`}}
	if next.Start != nil || !reflect.DeepEqual(next.Skip, want) {
		t.Fatalf("a failed need skips down the graph in one call: %+v", next)
	}
	for _, s := range next.Skip {
		st[s.Node] = Skipped
	}
	if Done(diamond, st) {
		t.Fatal("done while profile runs")
	}
	st["profile"] = Passed
	if !Done(diamond, st) || Outcome(diamond, st) != Failed {
		t.Fatalf("done %v, outcome %v", Done(diamond, st), Outcome(diamond, st))
	}
	st = map[string]Status{"sign up": Error}
	if next := Advance(diamond, st); len(next.Skip) != 4 || next.Skip[0].Reason != `not run: it needs "sign up", which ended in error` {
		t.Fatalf("an error skips everything after it: %+v", next)
	}
}

func TestOutcome(t *testing.T) {
	all := func(s Status) map[string]Status {
		m := map[string]Status{}
		for _, n := range diamond {
			m[n.Name] = s
		}
		return m
	}
	if o := Outcome(diamond, all(Passed)); o != Passed {
		t.Errorf("all passed: %v", o)
	}
	if o := Outcome(diamond, all(Skipped)); o != Skipped {
		t.Errorf("nothing ran: %v", o)
	}
	st := all(Skipped)
	st["sign up"] = Error
	if o := Outcome(diamond, st); o != Error {
		t.Errorf("root erred: %v", o)
	}
}

func TestInputs(t *testing.T) {
	remembered := map[string]map[string]string{
		"sign up": {"email": "ada@example.com", "order_id": "stale"},
		"order":   {"order_id": "A-1001"},
		"profile": {"nickname": "ada"},
		"ship":    {"tracking": "Z1"},
	}
	got := Inputs(diamond, "track", remembered)
	want := map[string]string{"email": "ada@example.com", "order_id": "A-1001", "nickname": "ada", "tracking": "Z1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inputs(track) = %v, want %v", got, want)
	}
	// A node sees its ancestors' values only, not a sibling branch's.
	if got := Inputs(diamond, "profile", remembered); !reflect.DeepEqual(got, map[string]string{"email": "ada@example.com", "order_id": "stale"}) {
		t.Errorf("Inputs(profile) = %v", got)
	}
}
