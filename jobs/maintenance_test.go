package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestPeriodicPurge: with a short purge interval, the periodic job deletes
// expired sessions, reset tokens, OAuth states and mail older than the
// mail retention — at start and again on
// each period — and leaves live ones alone.
func TestPeriodicPurge(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	user, err := f.store.CreateUser(ctx, "ada@example.com", "Ada", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddMember(ctx, f.tenant.ID, user.ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	live, err := f.store.CreateSession(ctx, user.ID, f.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(age time.Duration) {
		t.Helper()
		m := &mail.Message{To: "x@shop.mail.argus.test", Subject: "code", Text: "123456", Received: time.Now().Add(-age)}
		if err := f.store.DeliverMail(ctx, f.tenant.ID, f.project.ID, 100, m); err != nil {
			t.Fatal(err)
		}
	}
	deliver(time.Hour) // inside the 24 h mail retention: kept
	expire := func() {
		t.Helper()
		if _, err := f.store.CreateSession(ctx, user.ID, f.tenant.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.CreateResetToken(ctx, user.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.CreateOAuthState(ctx, f.tenant.ID, store.OAuthState{Provider: "github"}); err != nil {
			t.Fatal(err)
		}
		deliver(mail.DefaultRetention + time.Minute)
		// Everything but the live session and the young mail expires now.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE token_hash <> encode(sha256($1::bytea), 'hex')`, []any{live.Token}},
			{`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second'`, nil},
			{`UPDATE oauth_states SET expires_at = now() - interval '1 second'`, nil},
		} {
			if _, err := f.pool.Exec(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	expired := func() (n int) {
		t.Helper()
		err := f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM user_sessions WHERE expires_at < now())
			+ (SELECT count(*) FROM password_reset_tokens) + (SELECT count(*) FROM oauth_states)
			+ (SELECT count(*) FROM mail_messages WHERE received_at < now() - interval '24 hours')`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	expire()
	if n := expired(); n != 4 {
		t.Fatalf("setup: %d expired rows, want 4", n)
	}

	j := f.newJobs(jobs.Config{Browser: &fakeProvider{}, PurgeInterval: 300 * time.Millisecond})
	purged, _ := j.Client().Subscribe(river.EventKindJobCompleted)
	// waitPurge waits for a purge that started after since: one already
	// running when the rows were expired may not see them.
	waitPurge := func(since time.Time) {
		t.Helper()
		deadline := time.After(60 * time.Second)
		for {
			select {
			case ev := <-purged:
				if ev.Job.Kind == (jobs.PurgeArgs{}).Kind() && ev.Job.AttemptedAt != nil && ev.Job.AttemptedAt.After(since) {
					return
				}
			case <-deadline:
				t.Fatal("no purge ran")
			}
		}
	}
	began := time.Now()
	start(t, j)
	waitPurge(began.Add(-time.Second)) // the run on start
	if n := expired(); n != 0 {
		t.Fatalf("%d expired rows left after the purge on start", n)
	}
	expire()
	waitPurge(time.Now()) // the next period
	if n := expired(); n != 0 {
		t.Fatalf("%d expired rows left after a periodic purge", n)
	}
	if _, err := f.store.LookupSession(ctx, live.Token); err != nil {
		t.Fatalf("the live session was purged: %v", err)
	}
	if young, err := f.store.ListMail(ctx, f.tenant.ID, f.project.ID, 10); err != nil || len(young) != 1 {
		t.Fatalf("young mail: %d messages, %v; want 1", len(young), err)
	}
}

// TestFinishedJobsAreDeletedAfterRetention: River's cleaner, run by the
// leader, deletes completed jobs after 2 h and cancelled and discarded
// ones after 24 h, and keeps younger ones.
func TestFinishedJobsAreDeletedAfterRetention(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "https://shop.example.com")
	j := f.newJobs(jobs.Config{Browser: &fakeProvider{}})
	cases := []struct {
		state string
		age   time.Duration
		kept  bool
	}{
		{"completed", 3 * time.Hour, false},
		{"completed", time.Hour, true},
		{"cancelled", 25 * time.Hour, false},
		{"cancelled", 23 * time.Hour, true},
		{"discarded", 25 * time.Hour, false},
		{"discarded", 23 * time.Hour, true},
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		res, err := j.Client().Insert(ctx, jobs.AgentArgs{TenantID: f.tenant.ID, AgentID: uuid.New()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = res.Job.ID
		if _, err := f.pool.Exec(ctx, `UPDATE river_job SET state = $2, finalized_at = now() - make_interval(secs => $3) WHERE id = $1`,
			res.Job.ID, c.state, c.age.Seconds()); err != nil {
			t.Fatal(err)
		}
	}
	start(t, j)
	exists := func(id int64) bool {
		var ok bool
		if err := f.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE id = $1)`, id).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// River has no event for its cleaner; it runs when this client becomes
	// leader, so the first deletion shows up within seconds.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(60 * time.Second)
	for exists(ids[0]) || exists(ids[2]) || exists(ids[4]) {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatal("the cleaner deleted nothing")
		}
	}
	for i, c := range cases {
		if got := exists(ids[i]); got != c.kept {
			t.Errorf("%s job finished %v ago: kept %v, want %v", c.state, c.age, got, c.kept)
		}
	}
}
