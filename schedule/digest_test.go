package schedule_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/schedule"
	"github.com/argusqa/argus/store"
)

// The digests go through the server's SMTP mailer to a real SMTP
// receiver, on real PostgreSQL. A per-firing digest goes out once the
// firing's run has finished, once however often the job runs: what passed,
// what failed with its one-line reason, what was skipped and why, with
// links. A daily digest waits for the end of the day in the schedule's
// time zone and lists that day's firings.
func TestDigests(t *testing.T) {
	ctx := t.Context()
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	kr, err := seal.NewKeyring("k1", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.New(ctx, pgtest.Migrated(t), store.Config{Keyring: kr, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := st.CreateTenant(ctx, "Acme", "")
	if err != nil {
		t.Fatal(err)
	}
	proj, err := st.CreateProject(ctx, tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "https://shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a checkout", "b search", "c login"} {
		if _, err := st.CreateTest(ctx, tenant.ID, proj.ID, store.TestInput{Name: name, Steps: []string{`expect title "Shop"`}, Tags: []string{"nightly"}}); err != nil {
			t.Fatal(err)
		}
	}

	box := mail.NewMemory("local")
	recv, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: box})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = recv.Shutdown(context.Background()) })
	mailer, err := app.NewSMTPMailer("smtp://"+recv.Addr().String(), "argus@example.com")
	if err != nil {
		t.Fatal(err)
	}
	send := func(ctx context.Context, to, subject, body string) error {
		return mailer.Send(ctx, app.Mail{To: to, Subject: subject, Body: body})
	}
	qa := "qa@local." + recv.Domain()
	inbox := func() []mail.Message {
		t.Helper()
		msgs, err := box.Reader("local").Find(ctx, mail.Query{To: qa})
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	noEnqueue := func(context.Context, pgx.Tx, *store.Run, []store.Agent) error { return nil }
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) }
	two := 2

	// Per firing: 06:00 runs two tests (the budget), the third is skipped.
	due := day(4, 6, 0)
	sc, err := st.CreateSchedule(ctx, tenant.ID, proj.ID, store.ScheduleInput{Name: "nightly", Cron: "0 6 * * *", Timezone: "UTC",
		Tags: []string{"nightly"}, MaxRunsPerDay: &two, NextFireAt: &due, Digest: store.DigestFiring, DigestTo: []string{qa}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := schedule.Fire(ctx, st, tenant.ID, sc.ID, due.Add(time.Second), noEnqueue)
	if err != nil || f == nil || f.RunID == nil {
		t.Fatalf("fire: %+v %v", f, err)
	}
	agents, err := st.ListAgents(ctx, tenant.ID, *f.RunID)
	if err != nil || len(agents) != 2 {
		t.Fatalf("agents %+v %v", agents, err)
	}
	// Nothing is sent while the run is not finished.
	if n, err := schedule.SendDigests(ctx, st, due.Add(time.Minute), "https://argus.example.com", send, 10); n != 0 || err != nil {
		t.Fatalf("digest of an unfinished run: %d %v", n, err)
	}
	results := []store.AgentResult{{Status: store.StatusPassed, Summary: "all steps passed"},
		{Status: store.StatusFailed, Summary: "step 1 (expect title \"Shop\") failed: the title is \"Search · Shop\"\nmore detail"}}
	for i, a := range agents {
		if _, err := st.StartAgent(ctx, tenant.ID, a.ID, 1, nil, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FinishAgent(ctx, tenant.ID, a.ID, results[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RefreshRunStatus(ctx, tenant.ID, *f.RunID); err != nil {
		t.Fatal(err)
	}
	for range 3 { // the job runs every minute; the digest goes out once
		if _, err := schedule.SendDigests(ctx, st, due.Add(2*time.Minute), "https://argus.example.com", send, 10); err != nil {
			t.Fatal(err)
		}
	}
	msgs := inbox()
	if len(msgs) != 1 {
		t.Fatalf("%d digests, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "[Argus] Shop — nightly: 1 passed, 1 failed, 1 skipped" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{
		"passed    a checkout",
		`failed    b search — step 1 (expect title "Shop") failed: the title is "Search · Shop"`,
		"skipped   c login — daily run budget reached (2 of 2 agents today)",
		"https://argus.example.com/runs/" + f.RunID.String(),
		"https://argus.example.com/agents/" + agents[1].ID.String(),
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "more detail") {
		t.Errorf("the reason is more than one line:\n%s", m.Text)
	}

	// Daily, in Europe/Brussels: the first job starts the count, a firing
	// at 09:00 local waits for the end of the day, then one digest.
	sc2, err := st.CreateSchedule(ctx, tenant.ID, proj.ID, store.ScheduleInput{Name: "morning", Cron: "0 9 * * *", Timezone: "Europe/Brussels",
		Tags: []string{"nightly"}, Digest: store.DigestDaily, DigestTo: []string{qa}})
	if err != nil {
		t.Fatal(err)
	}
	brussels, _ := time.LoadLocation("Europe/Brussels")
	if _, err := schedule.SendDigests(ctx, st, time.Date(2026, 12, 5, 7, 0, 0, 0, brussels), "https://argus.example.com", send, 10); err != nil {
		t.Fatal(err)
	}
	due2 := time.Date(2026, 12, 5, 9, 0, 0, 0, brussels)
	if _, err := st.UpdateSchedule(ctx, tenant.ID, sc2.ID, store.ScheduleInput{Name: "morning", Cron: "0 9 * * *", Timezone: "Europe/Brussels",
		Tags: []string{"nightly"}, NextFireAt: &due2, Digest: store.DigestDaily, DigestTo: []string{qa}}); err != nil {
		t.Fatal(err)
	}
	if f2, err := schedule.Fire(ctx, st, tenant.ID, sc2.ID, due2.Add(time.Second), noEnqueue); err != nil || f2 == nil {
		t.Fatalf("fire the daily schedule: %+v %v", f2, err)
	}
	if _, err := schedule.SendDigests(ctx, st, time.Date(2026, 12, 5, 23, 59, 0, 0, brussels), "https://argus.example.com", send, 10); err != nil {
		t.Fatal(err)
	}
	if n := len(inbox()); n != 1 {
		t.Fatalf("a daily digest went out before the day ended (%d mails)", n)
	}
	for range 2 {
		if _, err := schedule.SendDigests(ctx, st, time.Date(2026, 12, 6, 0, 1, 0, 0, brussels), "https://argus.example.com", send, 10); err != nil {
			t.Fatal(err)
		}
	}
	msgs = inbox()
	if len(msgs) != 2 || !strings.Contains(msgs[0].Subject, "morning") || !strings.Contains(msgs[0].Text, "Saturday 2026-12-05") ||
		!strings.Contains(msgs[0].Text, "Firing at 2026-12-05 09:00 CET") {
		t.Fatalf("daily digest: %d mails; newest %q\n%s", len(msgs), msgs[0].Subject, msgs[0].Text)
	}
}

func TestMain(m *testing.M) { pgtest.Main(m) }
