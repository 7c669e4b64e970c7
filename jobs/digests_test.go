package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// With a mailer, the workers' periodic digest job sends a schedule's
// digest: here a firing whose budget ran nothing is digested at once.
func TestDigestJobSends(t *testing.T) {
	f := newFixture(t, "https://shop.example.com")
	ctx := t.Context()
	clk := newClock(at(6, 0, 4).Add(30 * time.Second))
	type sent struct{ to, subject, body string }
	mails := make(chan sent, 10)
	cfg := jobs.WithClock(jobs.Config{Browser: &fakeProvider{}, Agent: agent.Config{NoScreenshots: true}, ScheduleInterval: 50 * time.Millisecond,
		SendMail: func(_ context.Context, to, subject, body string) error { mails <- sent{to, subject, body}; return nil }}, clk.now)
	j := f.newJobs(cfg)
	f.test("a checkout", store.TestInput{Steps: []string{`expect title "Fake shop"`}})
	zero := 0
	due := at(6, 0, 4)
	if _, err := f.store.CreateSchedule(ctx, f.tenant.ID, f.project.ID, store.ScheduleInput{Name: "nightly", Cron: "0 6 * * *",
		MaxRunsPerDay: &zero, NextFireAt: &due, Digest: store.DigestFiring, DigestTo: []string{"qa@example.com"}}); err != nil {
		t.Fatal(err)
	}
	start(t, j)
	select {
	case m := <-mails:
		if m.to != "qa@example.com" || !strings.Contains(m.subject, "nightly: 1 skipped") || !strings.Contains(m.body, "daily run budget reached (0 of 0") {
			t.Fatalf("digest %+v", m)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the digest job sent nothing")
	}
	select {
	case m := <-mails:
		t.Fatalf("a second digest: %+v", m)
	default:
	}
}
