package plan

import (
	"fmt"
	"slices"
	"strings"
)

// Node is one test of a plan: its name, unique in the plan, and the names
// of the nodes that must pass before it starts.
type Node struct {
	Name  string
	Needs []string
}

// Problem is one thing wrong with a graph, at a node.
type Problem struct {
	// Node is the node the problem is at.
	Node string
	// Need is the need at fault, when there is one.
	Need string
	Msg  string
}

func (p Problem) Error() string { return p.Msg }

// Check reports every problem of a graph: a need naming no node of the
// plan, a node needing itself, a need listed twice, a duplicate name and
// a cycle (named in the order it runs). A nil result is a graph Advance
// can run.
func Check(nodes []Node) []Problem {
	var probs []Problem
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		if _, dup := index[n.Name]; dup {
			probs = append(probs, Problem{Node: n.Name, Msg: fmt.Sprintf("two tests of the plan are called %q", n.Name)})
			continue
		}
		index[n.Name] = i
	}
	for _, n := range nodes {
		for j, need := range n.Needs {
			switch {
			case need == n.Name:
				probs = append(probs, Problem{Node: n.Name, Need: need, Msg: fmt.Sprintf("test %q needs itself", n.Name)})
			case slices.Contains(n.Needs[:j], need):
				probs = append(probs, Problem{Node: n.Name, Need: need, Msg: fmt.Sprintf("test %q lists the need %q twice", n.Name, need)})
			default:
				if _, ok := index[need]; !ok {
					msg := fmt.Sprintf("test %q needs %q, which is not a test of this plan", n.Name, need)
					if s := closest(need, nodes); s != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", s)
					}
					probs = append(probs, Problem{Node: n.Name, Need: need, Msg: msg})
				}
			}
		}
	}
	if len(probs) > 0 {
		return probs
	}
	if cycle := findCycle(nodes, index); cycle != nil {
		probs = append(probs, Problem{Node: cycle[0], Msg: "the plan's needs go round in a circle: " + strings.Join(quoteAll(cycle), " needs ") + "; a plan must have a test that needs nothing to start from"})
	}
	return probs
}

// findCycle returns one cycle as the names along it, each needing the
// next, the first repeated at the end; nil when there is none.
func findCycle(nodes []Node, index map[string]int) []string {
	const (
		unseen = iota
		open
		closed
	)
	state := make([]int, len(nodes))
	var stack []string
	var cycle []string
	var visit func(i int) bool
	visit = func(i int) bool {
		state[i] = open
		stack = append(stack, nodes[i].Name)
		for _, need := range nodes[i].Needs {
			j, ok := index[need]
			if !ok {
				continue
			}
			switch state[j] {
			case open:
				at := slices.Index(stack, need)
				cycle = append(slices.Clone(stack[at:]), need)
				return true
			case unseen:
				if visit(j) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = closed
		return false
	}
	for i := range nodes {
		if state[i] == unseen && visit(i) {
			return cycle
		}
	}
	return nil
}

// Order returns the node names so that every node comes after its needs,
// keeping the written order where the needs allow. It assumes Check found
// no problem.
func Order(nodes []Node) []string {
	done := make(map[string]bool, len(nodes))
	var order []string
	for len(order) < len(nodes) {
		progressed := false
		for _, n := range nodes {
			if done[n.Name] || !allIn(n.Needs, done) {
				continue
			}
			done[n.Name] = true
			order = append(order, n.Name)
			progressed = true
		}
		if !progressed {
			break // a cycle; Check reports it
		}
	}
	return order
}

// Ancestors returns every node name reaches through its needs, directly or
// not, in Order.
func Ancestors(nodes []Node, name string) []string {
	byName := make(map[string]Node, len(nodes))
	for _, n := range nodes {
		byName[n.Name] = n
	}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		for _, need := range byName[n].Needs {
			if !seen[need] {
				seen[need] = true
				walk(need)
			}
		}
	}
	walk(name)
	var out []string
	for _, n := range Order(nodes) {
		if seen[n] {
			out = append(out, n)
		}
	}
	return out
}

func allIn(names []string, set map[string]bool) bool {
	for _, n := range names {
		if !set[n] {
			return false
		}
	}
	return true
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// closest suggests the node name a mistyped need most likely meant: one
// differing in case only, or containing the need, or contained in it.
func closest(need string, nodes []Node) string {
	l := strings.ToLower(need)
	for _, n := range nodes {
		if strings.ToLower(n.Name) == l {
			return n.Name
		}
	}
	for _, n := range nodes {
		nl := strings.ToLower(n.Name)
		if len(l) >= 3 && (strings.Contains(nl, l) || strings.Contains(l, nl)) {
			return n.Name
		}
	}
	return ""
}
