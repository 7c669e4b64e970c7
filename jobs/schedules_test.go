package jobs_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// clock is a settable clock shared by the workers of a test.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) set(t time.Time)     { c.t.Store(&t) }
func (c *clock) now() time.Time      { return *c.t.Load() }
func newClock(t time.Time) *clock    { c := &clock{}; c.set(t); return c }
func at(h, m int, day int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, time.UTC) }

// TestScheduleFiresOnceWithinBudget runs two workers on one database with
// a schedule due at 06:00 that selects two tests and allows one agent a
// day: River's periodic job fires it once — one run of one agent, which
// passes, the other test skipped with the budget as reason. At 07:00 the
// same day twenty concurrent firings on both workers record one firing,
// which runs nothing (the day's budget is spent); the next day's firing
// runs again.
func TestScheduleFiresOnceWithinBudget(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	ctx := t.Context()
	clk := newClock(at(6, 0, 4).Add(30 * time.Second))
	cfg := jobs.WithClock(jobs.Config{Browser: &fakeProvider{}, Agent: agent.Config{NoScreenshots: true}, ScheduleInterval: 50 * time.Millisecond}, clk.now)
	j1, j2 := f.newJobs(cfg), f.newJobs(cfg)
	done1, done2 := subscribe(j1), subscribe(j2)

	steps := []string{`expect title "Fake shop"`}
	a := f.test("a checkout", store.TestInput{Steps: steps, Tags: []string{"nightly"}})
	b := f.test("b search", store.TestInput{Steps: steps, Tags: []string{"nightly"}})
	f.test("c other", store.TestInput{Steps: steps})
	one := 1
	due := at(6, 0, 4)
	sc, err := f.store.CreateSchedule(ctx, f.tenant.ID, f.project.ID, store.ScheduleInput{Name: "nightly", Cron: "0 6,7 * * *",
		Timezone: "UTC", Tags: []string{"nightly"}, MaxRunsPerDay: &one, NextFireAt: &due})
	if err != nil {
		t.Fatal(err)
	}
	start(t, j1)
	start(t, j2)
	// Whichever worker took the agent reports its end.
	deadline := time.After(60 * time.Second)
	for ended := false; !ended; {
		var ev *river.Event
		select {
		case ev = <-done1:
		case ev = <-done2:
		case <-deadline:
			t.Fatal("the scheduled agent did not finish")
		}
		ended = ev.Job.Kind == (jobs.AgentArgs{}).Kind()
	}

	fs, err := f.store.ListFirings(ctx, f.tenant.ID, sc.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RunID == nil || !fs[0].DueAt.Equal(due) {
		t.Fatalf("firings = %+v, want one at 06:00 with a run", fs)
	}
	agents, err := f.store.ListAgents(ctx, f.tenant.ID, *fs[0].RunID)
	if err != nil || len(agents) != 1 {
		t.Fatalf("run agents = %+v %v, want one (the budget)", agents, err)
	}
	// Neither ran before: the tie goes by name, so a runs and b is cut.
	if *agents[0].TestID != a.ID {
		t.Errorf("ran %s, want %s", agents[0].TestName, a.Name)
	}
	if got := f.agent(agents[0].ID); got.Status != store.StatusPassed {
		t.Errorf("scheduled agent: %s %s", got.Status, got.Summary)
	}
	if run, _ := f.store.GetRun(ctx, f.tenant.ID, *fs[0].RunID); run.Trigger != store.TriggerSchedule {
		t.Errorf("run trigger = %s", run.Trigger)
	}
	if sk := fs[0].Skipped; len(sk) != 1 || sk[0].TestID != b.ID || !strings.Contains(sk[0].Reason, "daily run budget reached (1 of 1") {
		t.Errorf("skipped = %+v", sk)
	}
	if got, _ := f.store.GetSchedule(ctx, f.tenant.ID, sc.ID); !got.NextFireAt.Equal(at(7, 0, 4)) {
		t.Errorf("next firing = %v, want 07:00", got.NextFireAt)
	}

	// 07:00: both workers race; one firing, no run, both tests skipped.
	clk.set(at(7, 0, 4).Add(5 * time.Second))
	var wg sync.WaitGroup
	for i := range 20 {
		j := j1
		if i%2 == 1 {
			j = j2
		}
		wg.Go(func() {
			if _, err := jobs.FireSchedules(ctx, j); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	fs, _ = f.store.ListFirings(ctx, f.tenant.ID, sc.ID, 10)
	if len(fs) != 2 || !fs[0].DueAt.Equal(at(7, 0, 4)) || fs[0].RunID != nil || len(fs[0].Skipped) != 2 {
		t.Fatalf("after 07:00: firings = %+v, want a second one without a run", fs)
	}

	// The next day the budget is new.
	clk.set(at(6, 0, 5).Add(time.Second))
	n, err := jobs.FireSchedules(ctx, j1)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ = f.store.ListFirings(ctx, f.tenant.ID, sc.ID, 10)
	if len(fs) != 3 || fs[0].RunID == nil {
		t.Fatalf("next day (fired %d here): firings = %+v, want a third with a run", n, fs)
	}
	// b has not run for longest (never): it goes first now.
	agents, _ = f.store.ListAgents(ctx, f.tenant.ID, *fs[0].RunID)
	if len(agents) != 1 || *agents[0].TestID != b.ID {
		t.Errorf("next day ran %+v, want b", agents)
	}
}

// TestScheduleJobRunsOnTheMinute: the job that fires schedules runs at the
// start of each minute, however late in a minute the worker started, so
// a schedule due at 09:00 does not wait until 09:00:59.
func TestScheduleJobRunsOnTheMinute(t *testing.T) {
	for _, c := range []struct{ now, want string }{
		{"2026-12-04T08:59:37.5Z", "2026-12-04T09:00:00Z"},
		{"2026-12-04T09:00:00Z", "2026-12-04T09:01:00Z"},
		{"2026-12-04T09:00:00.001Z", "2026-12-04T09:01:00Z"},
		{"2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"},
	} {
		now, _ := time.Parse(time.RFC3339Nano, c.now)
		want, _ := time.Parse(time.RFC3339Nano, c.want)
		if got := jobs.NextScheduleFiring(time.Minute, now); !got.Equal(want) {
			t.Errorf("after %s: %s, want %s", c.now, got, want)
		}
	}
	// In a time zone with a whole-hour offset, still the minute's start.
	berlin := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 4, 10, 14, 42, 0, berlin)
	if got := jobs.NextScheduleFiring(time.Minute, now); got.Sub(now) != 18*time.Second {
		t.Errorf("CET: %s", got)
	}
}
