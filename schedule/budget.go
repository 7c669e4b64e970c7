package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// Budget is a schedule's daily allowance, counted from the start of the
// day in the schedule's time zone across all its firings. A nil field is
// no limit.
type Budget struct {
	// Runs is the most agents the schedule starts per day.
	Runs *int
	// Tokens is the most model tokens (input + output) its agents use
	// per day.
	Tokens *int64
}

// Used is what a schedule's agents of the day have used so far.
type Used struct {
	Runs   int
	Tokens int64
}

// Candidate is a test a firing selected, with what the pick needs to know.
type Candidate struct {
	TestID uuid.UUID
	Name   string
	// Replay says the next run replays a saved replay: no model, no
	// tokens. Replays are picked first.
	Replay bool
	// Tokens is the estimated model tokens of one run: the median of the
	// test's recent verdicts, or, for a test never run, the median of the
	// other candidates' estimates (0 when none has run).
	Tokens int64
	// LastVerdict is when the test last finished, nil if never.
	LastVerdict *time.Time
	// RecentFailures counts failed and error verdicts among the latest
	// RecentWindow.
	RecentFailures int
	// Active says an agent of the test is already queued or running.
	Active bool
	// Priority is the test's priority, 1 (lowest) to 5 (highest); 0 is
	// taken as store.DefaultPriority.
	Priority int
}

// RecentWindow is how many latest verdicts count as "recent" failures.
const RecentWindow = 5

// Skip is a test a firing did not run, and why, as the firing records it.
type Skip = store.FiringSkip

// Candidates turns the health of the selected tests into candidates.
func Candidates(hs []store.TestHealth) []Candidate {
	out := make([]Candidate, len(hs))
	var known []int64
	for i := range hs {
		h := &hs[i]
		c := Candidate{TestID: h.Test.ID, Name: h.Test.Name, Replay: h.HasReplay, Active: h.Active, Priority: h.Test.Priority}
		if last := h.Last(); last != nil {
			t := last.FinishedAt
			c.LastVerdict = &t
		}
		for j, v := range h.Recent {
			if j == RecentWindow {
				break
			}
			if v.Status == store.StatusFailed || v.Status == store.StatusError {
				c.RecentFailures++
			}
		}
		if m := h.MedianTokens(); m != nil {
			c.Tokens = *m
			known = append(known, *m)
		}
		out[i] = c
	}
	if len(known) > 0 {
		slices.Sort(known)
		guess := known[len(known)/2]
		for i := range out {
			if out[i].LastVerdict == nil {
				out[i].Tokens = guess
			}
		}
	}
	for i := range out {
		if out[i].Replay {
			out[i].Tokens = 0
		}
	}
	return out
}

// Pick decides which candidates a firing at now runs within budget, given
// what the day has used. Already active tests are skipped (a second agent
// would only queue behind the first). The rest go in order: replays first
// (they cost no tokens), then by staleness × (1 + recent failures) ×
// priority / 3 — never-run tests first (higher priority first), then the
// longest unverified, a recently failing test ahead of a passing one of
// the same age, a priority-5 test ahead of a priority-1 one unverified five
// times as long — and are taken while the
// run and token budgets allow; every test not taken is a Skip with its
// reason.
func Pick(now time.Time, cands []Candidate, b Budget, used Used) (run []uuid.UUID, skipped []Skip) {
	order := make([]Candidate, 0, len(cands))
	for _, c := range cands {
		if c.Active {
			skipped = append(skipped, Skip{TestID: c.TestID, TestName: c.Name, Reason: "already queued or running"})
			continue
		}
		order = append(order, c)
	}
	priority := func(c Candidate) float64 {
		if c.Priority == 0 {
			return store.DefaultPriority
		}
		return float64(c.Priority)
	}
	score := func(c Candidate) float64 {
		if c.LastVerdict == nil {
			return -1 // sorted first below
		}
		return now.Sub(*c.LastVerdict).Hours() * float64(1+c.RecentFailures) * priority(c) / store.DefaultPriority
	}
	slices.SortStableFunc(order, func(a, b Candidate) int {
		if a.Replay != b.Replay {
			if a.Replay {
				return -1
			}
			return 1
		}
		sa, sb := score(a), score(b)
		if (sa < 0) != (sb < 0) {
			if sa < 0 {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(sb, sa); c != 0 {
			return c
		}
		if c := cmp.Compare(priority(b), priority(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	runs, tokens := used.Runs, used.Tokens
	for _, c := range order {
		switch {
		case b.Runs != nil && runs >= *b.Runs:
			skipped = append(skipped, Skip{TestID: c.TestID, TestName: c.Name,
				Reason: fmt.Sprintf("daily run budget reached (%d of %d agents today)", runs, *b.Runs)})
		case b.Tokens != nil && !c.Replay && (tokens >= *b.Tokens || tokens+c.Tokens > *b.Tokens):
			skipped = append(skipped, Skip{TestID: c.TestID, TestName: c.Name,
				Reason: fmt.Sprintf("daily token budget: needs about %d tokens, %d of %d left today", c.Tokens, max(*b.Tokens-tokens, 0), *b.Tokens)})
		default:
			run = append(run, c.TestID)
			runs++
			tokens += c.Tokens
		}
	}
	return run, skipped
}
