package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/schedule"
	"github.com/argusqa/argus/store"
)

func TestParse(t *testing.T) {
	s, err := schedule.Parse("30 6 * * 1-5", "Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	// Friday 2026-12-04 07:00 Brussels (UTC+1) is 06:00 UTC; the next
	// weekday 06:30 Brussels is Monday the 7th at 05:30 UTC.
	from := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	got := s.NextN(from, 2)
	want := []time.Time{time.Date(2026, 12, 7, 5, 30, 0, 0, time.UTC), time.Date(2026, 12, 8, 5, 30, 0, 0, time.UTC)}
	if len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
		t.Errorf("next = %v, want %v", got, want)
	}
	if d := s.DayStart(time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC)); !d.Equal(time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("day start in Brussels of 23:30 UTC = %v, want 23:00 UTC (midnight of the 5th)", d)
	}
	if d, err := schedule.Parse("@daily", ""); err != nil || !d.Next(from).Equal(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("@daily in UTC: %v", err)
	}
	for expr, tz := range map[string]string{
		"": "", "* * *": "", "61 * * * *": "", "@every 1m": "", "CRON_TZ=UTC * * * * *": "", "0 0 30 2 *": "",
		"* * * * *": "Mars/Olympus",
	} {
		if _, err := schedule.Parse(expr, tz); err == nil {
			t.Errorf("Parse(%q, %q) accepted", expr, tz)
		}
	}
}

func TestPick(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	ago := func(h int) *time.Time { t := now.Add(-time.Duration(h) * time.Hour); return &t }
	id := func() uuid.UUID { return uuid.New() }
	fresh := schedule.Candidate{TestID: id(), Name: "fresh pass", Tokens: 1000, LastVerdict: ago(1)}
	stale := schedule.Candidate{TestID: id(), Name: "stale pass", Tokens: 1000, LastVerdict: ago(10)}
	failing := schedule.Candidate{TestID: id(), Name: "failing", Tokens: 1000, LastVerdict: ago(4), RecentFailures: 2}
	never := schedule.Candidate{TestID: id(), Name: "never", Tokens: 1000}
	replay := schedule.Candidate{TestID: id(), Name: "replay", Replay: true, LastVerdict: ago(1)}
	busy := schedule.Candidate{TestID: id(), Name: "busy", Active: true}
	cands := []schedule.Candidate{fresh, stale, failing, never, replay, busy}

	runs := 4
	run, skipped := schedule.Pick(now, cands, schedule.Budget{Runs: &runs}, schedule.Used{Runs: 0})
	// replay first, then never run, then failing (4 h × 3 = 12) ahead of
	// stale (10 h × 1), then fresh is cut by the run budget.
	want := []uuid.UUID{replay.TestID, never.TestID, failing.TestID, stale.TestID}
	if len(run) != len(want) {
		t.Fatalf("run %d tests, want %d", len(run), len(want))
	}
	for i := range want {
		if run[i] != want[i] {
			t.Errorf("run[%d] = %v, want %v", i, run[i], want[i])
		}
	}
	reasons := map[uuid.UUID]string{}
	for _, s := range skipped {
		reasons[s.TestID] = s.Reason
	}
	if len(skipped) != 2 || !strings.Contains(reasons[fresh.TestID], "daily run budget reached (4 of 4") || !strings.Contains(reasons[busy.TestID], "already queued") {
		t.Errorf("skipped = %+v", skipped)
	}

	// 2,500 tokens with 1,000 used leave room for one model test; the
	// replay costs nothing and runs anyway.
	tokens := int64(2500)
	run, skipped = schedule.Pick(now, cands[:5], schedule.Budget{Tokens: &tokens}, schedule.Used{Tokens: 1000})
	if len(run) != 2 || run[0] != replay.TestID || run[1] != never.TestID || len(skipped) != 3 {
		t.Fatalf("token budget: run %v, skipped %+v", run, skipped)
	}
	if !strings.Contains(skipped[0].Reason, "needs about 1000 tokens, 500 of 2500 left") {
		t.Errorf("token skip reason = %q", skipped[0].Reason)
	}
	// Used up: only replays run, even a model test with no estimate.
	run, _ = schedule.Pick(now, []schedule.Candidate{replay, {TestID: id(), Name: "unknown"}}, schedule.Budget{Tokens: &tokens}, schedule.Used{Tokens: 2500})
	if len(run) != 1 || run[0] != replay.TestID {
		t.Errorf("used-up budget ran %v", run)
	}
	// No budget: everything not active runs.
	if run, skipped := schedule.Pick(now, cands, schedule.Budget{}, schedule.Used{Runs: 100, Tokens: 1 << 40}); len(run) != 5 || len(skipped) != 1 {
		t.Errorf("no budget: run %d, skipped %d", len(run), len(skipped))
	}
}

func TestCandidates(t *testing.T) {
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	v := func(s store.Status, tokens int64) store.Verdict {
		return store.Verdict{Status: s, Tokens: tokens, FinishedAt: at}
	}
	hs := []store.TestHealth{
		{Test: store.Test{ID: uuid.New(), Name: "a"}, Recent: []store.Verdict{v(store.StatusFailed, 300), v(store.StatusError, 100), v(store.StatusPassed, 200)}},
		{Test: store.Test{ID: uuid.New(), Name: "b"}, Recent: []store.Verdict{}},
		{Test: store.Test{ID: uuid.New(), Name: "c"}, Recent: []store.Verdict{v(store.StatusPassed, 900)}, HasReplay: true},
	}
	cs := schedule.Candidates(hs)
	if cs[0].Tokens != 200 || cs[0].RecentFailures != 2 || !cs[0].LastVerdict.Equal(at) {
		t.Errorf("a = %+v", cs[0])
	}
	// b never ran: estimated at the median of the known medians (200, 900).
	if cs[1].Tokens != 900 || cs[1].LastVerdict != nil {
		t.Errorf("b = %+v", cs[1])
	}
	if !cs[2].Replay || cs[2].Tokens != 0 {
		t.Errorf("c = %+v", cs[2])
	}
}

// A test's priority weighs its staleness: priority 5 unverified for 3 h
// (3 × 5/3 = 5) goes ahead of the default 3 unverified for 4 h (4), which
// goes ahead of priority 1 unverified for 10 h (10 × 1/3 ≈ 3.3); among
// tests never run, the higher priority first. The budget of three agents
// leaves the lowest out, with the reason.
func TestPickWeighsPriority(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	ago := func(h int) *time.Time { t := now.Add(-time.Duration(h) * time.Hour); return &t }
	high := schedule.Candidate{TestID: uuid.New(), Name: "checkout", LastVerdict: ago(3), Priority: 5}
	normal := schedule.Candidate{TestID: uuid.New(), Name: "search", LastVerdict: ago(4)}
	low := schedule.Candidate{TestID: uuid.New(), Name: "about page", LastVerdict: ago(10), Priority: 1}
	neverLow := schedule.Candidate{TestID: uuid.New(), Name: "a footer", Priority: 1}
	neverHigh := schedule.Candidate{TestID: uuid.New(), Name: "z payment", Priority: 5}
	runs := 4
	run, skipped := schedule.Pick(now, []schedule.Candidate{low, normal, high, neverLow, neverHigh}, schedule.Budget{Runs: &runs}, schedule.Used{})
	want := []uuid.UUID{neverHigh.TestID, neverLow.TestID, high.TestID, normal.TestID}
	if len(run) != len(want) {
		t.Fatalf("ran %d, want %d", len(run), len(want))
	}
	for i := range want {
		if run[i] != want[i] {
			t.Errorf("run[%d] = %v, want %v", i, run[i], want[i])
		}
	}
	if len(skipped) != 1 || skipped[0].TestID != low.TestID || !strings.Contains(skipped[0].Reason, "daily run budget") {
		t.Errorf("skipped = %+v", skipped)
	}
}
