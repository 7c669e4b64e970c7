package store_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newKeyring(t testing.TB) *seal.Keyring {
	t.Helper()
	key := make([]byte, seal.KeySize)
	_, _ = rand.Read(key)
	k, err := seal.NewKeyring("k1", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.New(t.Context(), pgtest.Migrated(t), store.Config{Keyring: newKeyring(t), BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// world is one tenant with one of everything, for round trips and
// isolation tests.
type world struct {
	tenant  *store.Tenant
	admin   *store.User
	project *store.Project
	test    *store.Test
	run     *store.Run
	agent   store.Agent
	key     *store.APIKey
	session *store.Session
	// mailLabel names the project's mailbox, which holds mail.
	mailLabel string
	mail      *mail.Message
	schedule  *store.Schedule
	plan      *store.Plan
	planRun   *store.Run
	planNodes []store.PlanNode
	discovery *store.Discovery
}

func makeWorld(t *testing.T, s *store.Store, name string) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.tenant, err = s.CreateTenant(ctx, name, "")
	must(err)
	w.admin, err = s.CreateUser(ctx, name+"-admin@example.com", "Admin "+name, "correct horse "+name)
	must(err)
	must(s.AddMember(ctx, w.tenant.ID, w.admin.ID, store.RoleAdmin))
	w.project, err = s.CreateProject(ctx, w.tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "https://shop.example.com"})
	must(err)
	w.test, err = s.CreateTest(ctx, w.tenant.ID, w.project.ID, store.TestInput{Name: "Checkout " + name, Goal: "buy a thing", Tags: []string{"smoke"}})
	must(err)
	var agents []store.Agent
	w.run, agents, _, err = s.CreateRun(ctx, w.tenant.ID, store.RunInput{ProjectID: w.project.ID, TestIDs: []uuid.UUID{w.test.ID}}, nil)
	must(err)
	w.agent = agents[0]
	_, err = s.AppendStep(ctx, w.tenant.ID, store.Step{AgentID: w.agent.ID, Index: 0, Action: "navigate", Outcome: "opened /"})
	must(err)
	_, err = s.PutSecret(ctx, w.tenant.ID, w.project.ID, "password", "pw-"+name+"-value")
	must(err)
	_, err = s.PutPersona(ctx, w.tenant.ID, w.project.ID, "buyer", store.PersonaInput{DisplayName: "Buyer " + name, PasswordSecret: "password", Locale: "de-DE"})
	must(err)
	must(s.SetWebhookSecret(ctx, w.tenant.ID, w.project.ID, "whsec_"+name))
	_, err = s.PutIntegration(ctx, w.tenant.ID, store.IntegrationInput{Kind: store.IntegrationGitHub, ProjectID: &w.project.ID, Config: map[string]any{"repo": "acme/shop"}, Token: "ghs_" + name})
	must(err)
	code := 200
	_, err = s.RecordDelivery(ctx, w.tenant.ID, store.WebhookDelivery{ProjectID: w.project.ID, EventID: "msg_" + name, EventType: "agent.completed", URL: "https://hooks.example.com", Payload: []byte(`{"ok":true}`), Attempt: 1, StatusCode: &code})
	must(err)
	w.key, err = s.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{Name: "ci"})
	must(err)
	w.session, err = s.CreateSession(ctx, w.admin.ID, w.tenant.ID)
	must(err)
	_, err = s.PutReplay(ctx, w.tenant.ID, w.test.ID, strings.Repeat("0", 64), []byte(`{"version":1,"test":"`+w.test.Name+`"}`))
	must(err)
	w.mailLabel, err = s.ProjectMailLabel(ctx, w.tenant.ID, w.project.ID)
	must(err)
	w.mail = &mail.Message{To: "signup-" + name + "@" + w.mailLabel + ".mail.argus.test", Subject: "Confirm " + name, From: "shop@example.com",
		Text: "code 314159 https://shop.example.com/confirm?token=tok-" + name, Links: []mail.Link{{Text: "Confirm", URL: "https://shop.example.com/confirm?token=tok-" + name}},
		Codes: []string{"314159"}, Received: time.Now(), Size: 100}
	must(s.DeliverMail(ctx, w.tenant.ID, w.project.ID, 100, w.mail))
	due := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	w.schedule, err = s.CreateSchedule(ctx, w.tenant.ID, w.project.ID, store.ScheduleInput{Name: "nightly", Cron: "0 6 * * *", Timezone: "UTC", NextFireAt: &due})
	must(err)
	_, err = s.FireSchedule(ctx, w.tenant.ID, store.FiringInput{ScheduleID: w.schedule.ID, DueAt: due, Next: due.Add(24 * time.Hour), FiredAt: due,
		Skipped: []store.FiringSkip{{TestID: w.test.ID, TestName: w.test.Name, Reason: "daily run budget reached"}}}, nil)
	must(err)
	w.schedule, err = s.GetSchedule(ctx, w.tenant.ID, w.schedule.ID)
	must(err)
	w.plan, err = s.PutPlan(ctx, w.tenant.ID, w.project.ID, "checkout flow", []plan.Node{{Name: w.test.Name}})
	must(err)
	w.planRun, w.planNodes, err = s.StartPlanRun(ctx, w.tenant.ID, w.plan.ID, store.RunInput{}, nil)
	must(err)
	must(s.RememberPlanValues(ctx, w.tenant.ID, w.planNodes[0].AgentID, map[string]string{"order_id": "A-" + name}))
	_, err = s.PutRole(ctx, w.tenant.ID, w.project.ID, "checkout-auditor", "Check the totals of "+name)
	must(err)
	w.discovery, err = s.CreateDiscovery(ctx, w.tenant.ID, w.project.ID, store.DiscoveryInput{MaxPages: 7}, nil)
	must(err)
	return w
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{"Acme Corp.": "acme-corp", "  Ünïcode & Co ": "n-code-co", "a--b": "a-b"} {
		if got := store.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithoutKeyring(t *testing.T) {
	ctx := t.Context()
	s, err := store.New(ctx, pgtest.Migrated(t), store.Config{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := s.CreateTenant(ctx, "Acme", "")
	if err != nil {
		t.Fatalf("tenant without keyring: %v", err)
	}
	p, err := s.CreateProject(ctx, tn.ID, store.ProjectInput{Name: "p", BaseURL: "https://p.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutSecret(ctx, tn.ID, p.ID, "pw", "value"); !errors.Is(err, store.ErrNoKeyring) {
		t.Fatalf("secret without keyring: %v", err)
	}
}

func TestTenantRoundTrip(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	tn, err := s.CreateTenant(ctx, "Acme Corp", "")
	if err != nil {
		t.Fatal(err)
	}
	if tn.Slug != "acme-corp" {
		t.Fatalf("slug %q", tn.Slug)
	}
	got, err := s.GetTenant(ctx, tn.ID)
	if err != nil || got.Name != "Acme Corp" {
		t.Fatalf("get: %+v %v", got, err)
	}
	for _, ref := range []string{"acme-corp", tn.ID.String()} {
		if f, err := s.FindTenant(ctx, ref); err != nil || f.ID != tn.ID {
			t.Fatalf("find %q: %v", ref, err)
		}
	}
	if _, err := s.CreateTenant(ctx, "Acme Corp", ""); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate slug: %v", err)
	}
	if _, err := s.CreateTenant(ctx, "", "Bad Slug"); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("bad slug: %v", err)
	}
	if err := s.RenameTenant(ctx, tn.ID, "Acme"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTenant(ctx, tn.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetTenant(ctx, tn.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestDeleteTenantCascades(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	a := makeWorld(t, s, "alpha")
	b := makeWorld(t, s, "beta")
	if err := s.DeleteTenant(ctx, a.tenant.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.Pool().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM projects WHERE tenant_id = $1) + (SELECT count(*) FROM tests WHERE tenant_id = $1) +
		(SELECT count(*) FROM agents WHERE tenant_id = $1) + (SELECT count(*) FROM steps WHERE tenant_id = $1) +
		(SELECT count(*) FROM secrets WHERE tenant_id = $1) + (SELECT count(*) FROM api_keys WHERE tenant_id = $1) +
		(SELECT count(*) FROM user_sessions WHERE tenant_id = $1) + (SELECT count(*) FROM integrations WHERE tenant_id = $1) +
		(SELECT count(*) FROM webhook_deliveries WHERE tenant_id = $1)`, a.tenant.ID).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d rows of the deleted tenant remain", left)
	}
	if _, err := s.GetTest(ctx, b.tenant.ID, b.test.ID); err != nil {
		t.Fatalf("other tenant's data damaged: %v", err)
	}
}

func TestUsersAndAuthentication(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	u, err := s.CreateUser(ctx, "Ada@Example.com", "Ada", "analytical engine")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ada@example.com", "Ada 2", "another password"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("email is not case-insensitive unique: %v", err)
	}
	for _, bad := range []struct{ email, pw string }{{"not-an-email", "long enough pw"}, {"x@example.com", "short"}} {
		if _, err := s.CreateUser(ctx, bad.email, "", bad.pw); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateUser(%q, %q): %v", bad.email, bad.pw, err)
		}
	}

	got, err := s.Authenticate(ctx, "ADA@example.com", "analytical engine")
	if err != nil || got.ID != u.ID || got.LastLoginAt == nil {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	if _, err := s.Authenticate(ctx, "ada@example.com", "analytical enginE"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody@example.com", "analytical engine"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}

	var hash string
	if err := s.Pool().QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash[:4] != "$2a$" || hash == "analytical engine" {
		t.Fatalf("password not stored as bcrypt: %q", hash)
	}

	if err := s.SetPassword(ctx, u.ID, "difference engine"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "ada@example.com", "analytical engine"); err == nil {
		t.Fatal("old password still works")
	}
	if _, err := s.Authenticate(ctx, "ada@example.com", "difference engine"); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

// An unknown email must cost a bcrypt like a known one, or response times
// reveal which accounts exist. Authenticate runs one query that calls
// crypt() on the stored hash or, for an unknown email, on the store's
// dummy hash: the two cost the same when their bcrypt costs are the same,
// which is what this checks (timing them would measure the machine's
// load). BenchmarkAuthenticate shows the times.
func TestAuthenticateCostsTheSameForUnknownUsers(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.Migrated(t)
	for _, cost := range []int{4, 11} {
		s, err := store.New(ctx, pool, store.Config{Keyring: newKeyring(t), BcryptCost: cost})
		if err != nil {
			t.Fatal(err)
		}
		email := fmt.Sprintf("known-%d@example.com", cost)
		if _, err := s.CreateUser(ctx, email, "", "long password here"); err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE email = $1`, email).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("$2a$%02d$", cost)
		if dummy := store.DummyHash(s); !strings.HasPrefix(stored, want) || !strings.HasPrefix(dummy, want) || dummy == stored {
			t.Fatalf("cost %d: stored hash %.7s…, dummy %.7s…: both must be bcrypt at cost %d", cost, stored, dummy, cost)
		}
		for _, who := range []string{email, "unknown@example.com"} {
			if _, err := s.Authenticate(ctx, who, "wrong password here"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("cost %d, %s with a wrong password: %v", cost, who, err)
			}
		}
	}
}

// BenchmarkAuthenticate times a wrong password for a known and an unknown
// email at cost 10: the two should be within noise of each other.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := b.Context()
	s, err := store.New(ctx, pgtest.Migrated(b), store.Config{Keyring: newKeyring(b), BcryptCost: 10})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "known@example.com", "", "long password here"); err != nil {
		b.Fatal(err)
	}
	for _, email := range []string{"known@example.com", "unknown@example.com"} {
		b.Run(strings.SplitN(email, "@", 2)[0], func(b *testing.B) {
			for b.Loop() {
				_, _ = s.Authenticate(ctx, email, "wrong password here")
			}
		})
	}
}

func TestMemberships(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	bob, _ := s.CreateUser(ctx, "bob@example.com", "Bob", "bob's password")
	if err := s.AddMember(ctx, w.tenant.ID, bob.ID, store.RoleMember); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMember(ctx, w.tenant.ID, bob.ID, store.RoleMember); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("double membership: %v", err)
	}
	if r, err := s.Membership(ctx, w.tenant.ID, bob.ID); err != nil || r != store.RoleMember {
		t.Fatalf("membership: %v %v", r, err)
	}
	members, err := s.ListMembers(ctx, w.tenant.ID)
	if err != nil || len(members) != 2 || members[1].User.Email != "bob@example.com" {
		t.Fatalf("members: %+v %v", members, err)
	}
	if u, err := s.GetUser(ctx, w.tenant.ID, bob.ID); err != nil || u.Name != "Bob" {
		t.Fatalf("get user: %v", err)
	}
	if err := s.SetRole(ctx, w.tenant.ID, w.admin.ID, store.RoleMember); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("demoting the last admin: %v", err)
	}
	if err := s.RemoveMember(ctx, w.tenant.ID, w.admin.ID); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("removing the last admin: %v", err)
	}
	if err := s.SetRole(ctx, w.tenant.ID, bob.ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, w.tenant.ID, w.admin.ID, store.RoleMember); err != nil {
		t.Fatalf("demote with another admin present: %v", err)
	}
	if err := s.RemoveMember(ctx, w.tenant.ID, w.admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupSession(ctx, w.session.Token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session of removed member still valid: %v", err)
	}
	if _, err := store.ParseRole("owner"); !errors.Is(err, store.ErrInvalid) {
		t.Fatal("unknown role parsed")
	}
}

func poolFor(t testing.TB, dbURL string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
