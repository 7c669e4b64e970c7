package plan

import "fmt"

// Status is where a node of a running plan stands.
type Status string

// Statuses. A node is pending until Advance lets it start; running until
// its test ends; then it takes its test's verdict, or skipped when a need
// did not pass.
const (
	Pending   Status = "pending"
	Running   Status = "running"
	Passed    Status = "passed"
	Failed    Status = "failed"
	Error     Status = "error"
	Skipped   Status = "skipped"
	Cancelled Status = "cancelled"
)

// Ended reports whether the node will not change any more.
func (s Status) Ended() bool {
	switch s {
	case Passed, Failed, Error, Skipped, Cancelled:
		return true
	}
	return false
}

// Skip is a node that cannot run, and why.
type Skip struct {
	Node   string
	Reason string
}

// Next is what Advance decided.
type Next struct {
	// Start are the pending nodes whose needs have all passed, in Order.
	Start []string
	// Skip are the pending nodes that cannot run because a need, directly
	// or through other skipped nodes, did not pass.
	Skip []Skip
}

// Advance decides, from every node's status (a node missing from status
// is pending), which pending nodes may start now and which must be
// skipped. It does not change status; the caller records the decision
// (marking Start running and Skip skipped) and calls Advance again when a
// running node ends. A skip cascades in the one call: a node whose need is
// skipped here is skipped too, its reason naming the first need that did
// not pass.
func Advance(nodes []Node, status map[string]Status) Next {
	st := make(map[string]Status, len(nodes))
	for _, n := range nodes {
		s := status[n.Name]
		if s == "" {
			s = Pending
		}
		st[n.Name] = s
	}
	byName := make(map[string]Node, len(nodes))
	for _, n := range nodes {
		byName[n.Name] = n
	}
	var next Next
	for _, name := range Order(nodes) {
		if st[name] != Pending {
			continue
		}
		ready := true
		for _, need := range byName[name].Needs {
			switch ns := st[need]; ns {
			case Passed:
			case Failed, Error, Skipped, Cancelled:
				next.Skip = append(next.Skip, Skip{Node: name, Reason: skipReason(need, ns)})
				st[name] = Skipped
				ready = false
			default:
				ready = false
			}
			if st[name] == Skipped {
				break
			}
		}
		if ready {
			next.Start = append(next.Start, name)
		}
	}
	return next
}

func skipReason(need string, s Status) string {
	switch s {
	case Failed:
		return fmt.Sprintf("not run: it needs %q, which failed", need)
	case Error:
		return fmt.Sprintf("not run: it needs %q, which ended in error", need)
	case Cancelled:
		return fmt.Sprintf("not run: it needs %q, which was cancelled", need)
	}
	return fmt.Sprintf("not run: it needs %q, which did not run", need)
}

// Done reports whether every node has ended.
func Done(nodes []Node, status map[string]Status) bool {
	for _, n := range nodes {
		if !status[n.Name].Ended() {
			return false
		}
	}
	return true
}

// Outcome is a whole plan's verdict from its nodes' statuses: passed when
// every node passed; failed when a node failed (the application is at
// fault, and the skips follow from it); error when a node erred or was
// cancelled and none failed; skipped when nothing ran.
func Outcome(nodes []Node, status map[string]Status) Status {
	out := Passed
	ran := false
	for _, n := range nodes {
		switch status[n.Name] {
		case Failed:
			out = Failed
			ran = true
		case Error, Cancelled:
			if out != Failed {
				out = Error
			}
			ran = true
		case Passed:
			ran = true
		case Skipped:
			if out == Passed {
				out = Skipped
			}
		}
	}
	if !ran {
		return Skipped
	}
	if out == Skipped {
		// Nodes passed and others were skipped without a failure: the
		// skips say why (a need the run was cut short of).
		return Error
	}
	return out
}

// Inputs merges the values remembered by the nodes name needs, directly or
// not, in Order: a value remembered again further down the graph wins.
// remembered holds each ended node's values by node name.
func Inputs(nodes []Node, name string, remembered map[string]map[string]string) map[string]string {
	vars := map[string]string{}
	for _, a := range Ancestors(nodes, name) {
		for k, v := range remembered[a] {
			vars[k] = v
		}
	}
	return vars
}
