package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
)

// Functions that are not tenant-scoped: they look rows up by a secret hash
// before any tenant is known, act on the caller's own tenant only, or are
// maintenance across tenants. Every other exported method of Store must
// appear in TestTenantIsolation.
var notTenantScoped = []string{
	"Pool", "InTenant", "CreateTenant", "FindTenant", "FirstTenant", "GetTenant", "RenameTenant", "DeleteTenant",
	"CreateUser", "FindUserByEmail", "HasUsers", "Authenticate", "SetPassword", "AddMember",
	"LookupAPIKey", "LookupSession", "DeleteSession", "CreateResetToken", "ResetPassword",
	"ConsumeOAuthState", "PurgeExpired",
	// The SMTP receiver finds a mailbox from a recipient's address before
	// any tenant is known; retention deletes every tenant's old mail.
	"ResolveMailLabel", "PurgeMail", "ListMembers", "ListAPIKeys", "CreateAPIKey", "CreateOAuthState",
	"ListProjects", "CreateProject", "ListRuns",
	// The schedule firing job's scan for due schedules across tenants;
	// each firing then runs tenant-scoped (FireSchedule).
	"DueSchedules",
	// The digest job's scan across tenants; each digest is then claimed
	// and read tenant-scoped.
	"DueDigests",
	// A person's own memberships, read at login before a tenant is chosen.
	"UserMemberships",
	// The reconciliation's scan for plan runs whose advance was lost; each
	// is then advanced tenant-scoped (AdvancePlan).
	"StalledPlanRuns",
}

// TestTenantIsolation calls every tenant-scoped store function as tenant B
// on tenant A's objects: each must behave as if they did not exist, and A's
// data must be unchanged afterwards. It runs twice: with row-level security,
// and with it off, which proves each function's explicit tenant filter holds
// on its own.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	for _, rls := range []bool{true, false} {
		name := "with RLS"
		if !rls {
			name = "explicit filters only"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			a := makeWorld(t, s, "alpha")
			b := makeWorld(t, s, "beta")
			if !rls {
				s = store.WithoutRLS(s)
			}
			checkIsolation(t, s, a, b)
		})
	}
}

func checkIsolation(t *testing.T, s *store.Store, a, b *world) {
	ctx := t.Context()
	B := b.tenant.ID
	deliveries, _ := s.ListDeliveries(ctx, a.tenant.ID, a.project.ID, 1)
	aFirings, _ := s.ListFirings(ctx, a.tenant.ID, a.schedule.ID, 1)
	aFiring := aFirings[0].ID
	aDelivery := deliveries[0].ID
	gh := store.IntegrationGitHub

	notFound := func(err error) error {
		if !errors.Is(err, store.ErrNotFound) {
			return errors.New("want ErrNotFound, got " + errString(err))
		}
		return nil
	}
	empty := func(n int, err error) error {
		if err != nil {
			return err
		}
		if n != 0 {
			return errors.New("returned another tenant's rows")
		}
		return nil
	}
	cases := map[string]func() error{
		"GetProject": func() error { _, err := s.GetProject(ctx, B, a.project.ID); return notFound(err) },
		"UpdateProject": func() error {
			_, err := s.UpdateProject(ctx, B, a.project.ID, store.ProjectInput{Name: "x", BaseURL: "https://x.example.com"})
			return notFound(err)
		},
		"DeleteProject": func() error { return notFound(s.DeleteProject(ctx, B, a.project.ID)) },
		"SetWebhookSecret": func() error {
			return notFound(s.SetWebhookSecret(ctx, B, a.project.ID, "stolen"))
		},
		"WebhookSecret":   func() error { _, err := s.WebhookSecret(ctx, B, a.project.ID); return notFound(err) },
		"WebhookEndpoint": func() error { _, err := s.WebhookEndpoint(ctx, B, a.project.ID); return notFound(err) },
		"WebhookSigningSecrets": func() error {
			_, err := s.WebhookSigningSecrets(ctx, B, a.project.ID)
			return notFound(err)
		},
		"RotateWebhookSecret": func() error {
			return notFound(s.RotateWebhookSecret(ctx, B, a.project.ID, "stolen", time.Hour))
		},
		"DisableWebhook": func() error { return notFound(s.DisableWebhook(ctx, B, a.project.ID, "x")) },
		"EnableWebhook":  func() error { return notFound(s.EnableWebhook(ctx, B, a.project.ID)) },
		"PutSecret":      func() error { _, err := s.PutSecret(ctx, B, a.project.ID, "password", "x"); return notFound(err) },
		"ListSecrets":    func() error { l, err := s.ListSecrets(ctx, B, a.project.ID); return empty(len(l), err) },
		"SecretValues":   func() error { v, err := s.SecretValues(ctx, B, a.project.ID); return empty(len(v), err) },
		"DeleteSecret":   func() error { return notFound(s.DeleteSecret(ctx, B, a.project.ID, "password")) },
		"PutPersona": func() error {
			_, err := s.PutPersona(ctx, B, a.project.ID, "buyer", store.PersonaInput{DisplayName: "Stolen"})
			return notFound(err)
		},
		"ListPersonas":  func() error { l, err := s.ListPersonas(ctx, B, a.project.ID); return empty(len(l), err) },
		"GetPersona":    func() error { _, err := s.GetPersona(ctx, B, a.project.ID, "buyer"); return notFound(err) },
		"DeletePersona": func() error { return notFound(s.DeletePersona(ctx, B, a.project.ID, "buyer")) },
		"CreateTest": func() error {
			_, err := s.CreateTest(ctx, B, a.project.ID, store.TestInput{Name: "x", Goal: "x"})
			return notFound(err)
		},
		"GetTest": func() error { _, err := s.GetTest(ctx, B, a.test.ID); return notFound(err) },
		"UpdateTest": func() error {
			_, err := s.UpdateTest(ctx, B, a.test.ID, store.TestInput{Name: "x", Goal: "x"})
			return notFound(err)
		},
		"DeleteTest": func() error { return notFound(s.DeleteTest(ctx, B, a.test.ID)) },
		"ListTests": func() error {
			l, _, err := s.ListTests(ctx, B, store.TestFilter{ProjectID: &a.project.ID})
			return empty(len(l), err)
		},
		"AllTests": func() error {
			n := 0
			for _, err := range s.AllTests(ctx, B, store.TestFilter{ProjectID: &a.project.ID}) {
				if err != nil {
					return err
				}
				n++
			}
			return empty(n, nil)
		},
		"AllRuns": func() error {
			n := 0
			for _, err := range s.AllRuns(ctx, B, store.RunFilter{ProjectID: &a.project.ID}) {
				if err != nil {
					return err
				}
				n++
			}
			return empty(n, nil)
		},
		"SyncTests": func() error {
			_, err := s.SyncTests(ctx, B, a.project.ID, []store.TestInput{{Name: a.test.Name, Goal: "stolen"}})
			return notFound(err)
		},
		"CreateRun": func() error {
			_, _, _, err := s.CreateRun(ctx, B, store.RunInput{ProjectID: a.project.ID, TestIDs: []uuid.UUID{a.test.ID}}, nil)
			return notFound(err)
		},
		"RecordRun": func() error {
			now := time.Now()
			_, err := s.RecordRun(ctx, B, store.RecordedRun{ProjectID: a.project.ID, Agents: []store.RecordedAgent{{
				ID: uuid.New(), TestName: a.test.Name, Status: store.StatusPassed, StartedAt: now, FinishedAt: now,
				Steps: []store.Step{{Index: 0, Action: "navigate"}},
			}}})
			return notFound(err)
		},
		"CreateRun with own project": func() error {
			_, _, _, err := s.CreateRun(ctx, B, store.RunInput{ProjectID: b.project.ID, TestIDs: []uuid.UUID{a.test.ID}}, nil)
			return notFound(err)
		},
		"ProjectHealth": func() error { _, err := s.ProjectHealth(ctx, B, a.project.ID); return notFound(err) },
		"CreateSchedule": func() error {
			_, err := s.CreateSchedule(ctx, B, a.project.ID, store.ScheduleInput{Name: "stolen", Cron: "* * * * *"})
			return notFound(err)
		},
		"GetSchedule":   func() error { _, err := s.GetSchedule(ctx, B, a.schedule.ID); return notFound(err) },
		"ListSchedules": func() error { l, err := s.ListSchedules(ctx, B, a.project.ID); return empty(len(l), err) },
		"CreateDiscovery": func() error {
			_, err := s.CreateDiscovery(ctx, B, a.project.ID, store.DiscoveryInput{MaxPages: 3}, nil)
			return notFound(err)
		},
		"GetDiscovery":            func() error { _, err := s.GetDiscovery(ctx, B, a.discovery.ID); return notFound(err) },
		"ListDiscoveries":         func() error { l, err := s.ListDiscoveries(ctx, B, a.project.ID, 10); return empty(len(l), err) },
		"StartDiscovery":          func() error { _, err := s.StartDiscovery(ctx, B, a.discovery.ID); return notFound(err) },
		"UpdateDiscoveryProgress": func() error { return notFound(s.UpdateDiscoveryProgress(ctx, B, a.discovery.ID, 99, 9)) },
		"FinishDiscovery": func() error {
			_, err := s.FinishDiscovery(ctx, B, a.discovery.ID, store.DiscoveryResult{Error: "stolen"})
			return notFound(err)
		},
		"CancelDiscovery": func() error {
			_, err := s.CancelDiscovery(ctx, B, a.discovery.ID, "stolen")
			return notFound(err)
		},
		"UpdateSchedule": func() error {
			_, err := s.UpdateSchedule(ctx, B, a.schedule.ID, store.ScheduleInput{Name: "stolen", Cron: "* * * * *", Paused: true})
			return notFound(err)
		},
		"DeleteSchedule": func() error { return notFound(s.DeleteSchedule(ctx, B, a.schedule.ID)) },
		"ScheduleUsage": func() error {
			n, _, err := s.ScheduleUsage(ctx, B, a.schedule.ID, time.Time{})
			return empty(n, err)
		},
		"FireSchedule": func() error {
			f, err := s.FireSchedule(ctx, B, store.FiringInput{ScheduleID: a.schedule.ID, DueAt: *a.schedule.NextFireAt,
				Next: a.schedule.NextFireAt.Add(time.Hour), FiredAt: time.Now(), TestIDs: []uuid.UUID{a.test.ID}}, nil)
			if err != nil {
				return err
			}
			if f != nil {
				return errors.New("fired another tenant's schedule")
			}
			return nil
		},
		"GetFiring": func() error { _, err := s.GetFiring(ctx, B, aFiring); return notFound(err) },
		"ClaimFiringDigest": func() error {
			ok, err := s.ClaimFiringDigest(ctx, B, aFiring)
			if ok {
				return errors.New("claimed another tenant's digest")
			}
			return err
		},
		"ReleaseFiringDigest": func() error { return s.ReleaseFiringDigest(ctx, B, aFiring) },
		"ClaimDailyDigest": func() error {
			ok, err := s.ClaimDailyDigest(ctx, B, a.schedule.ID, nil, time.Now())
			if ok {
				return errors.New("claimed another tenant's daily digest")
			}
			return err
		},
		"FiringsBetween": func() error {
			l, err := s.FiringsBetween(ctx, B, a.schedule.ID, time.Time{}, time.Now().Add(24*time.Hour), 10)
			return empty(len(l), err)
		},
		"ListFirings":      func() error { l, err := s.ListFirings(ctx, B, a.schedule.ID, 10); return empty(len(l), err) },
		"GetRun":           func() error { _, err := s.GetRun(ctx, B, a.run.ID); return notFound(err) },
		"RefreshRunStatus": func() error { _, err := s.RefreshRunStatus(ctx, B, a.run.ID); return notFound(err) },
		"ListAgents":       func() error { l, err := s.ListAgents(ctx, B, a.run.ID); return empty(len(l), err) },
		"ProjectAgentIDs": func() error {
			ids, err := s.ProjectAgentIDs(ctx, B, a.project.ID)
			return empty(len(ids), err)
		},
		"GetAgent":   func() error { _, err := s.GetAgent(ctx, B, a.agent.ID); return notFound(err) },
		"StartAgent": func() error { _, err := s.StartAgent(ctx, B, a.agent.ID, 1, nil, "x"); return notFound(err) },
		"UpdateAgentProgress": func() error {
			return notFound(s.UpdateAgentProgress(ctx, B, a.agent.ID, store.AgentProgress{Iterations: 99}))
		},
		"FinishAgent": func() error {
			_, err := s.FinishAgent(ctx, B, a.agent.ID, store.AgentResult{Status: store.StatusPassed})
			return notFound(err)
		},
		"CancelAgent": func() error { _, err := s.CancelAgent(ctx, B, a.agent.ID, "x"); return notFound(err) },
		"DeleteAgent": func() error { return notFound(s.DeleteAgent(ctx, B, a.agent.ID)) },
		"AppendStep": func() error {
			_, err := s.AppendStep(ctx, B, store.Step{AgentID: a.agent.ID, Index: 5, Action: "x"})
			return notFound(err)
		},
		"ListSteps": func() error { l, err := s.ListSteps(ctx, B, a.agent.ID); return empty(len(l), err) },
		"GetReplay": func() error { _, err := s.GetReplay(ctx, B, a.test.ID); return notFound(err) },
		"PutReplay": func() error {
			_, err := s.PutReplay(ctx, B, a.test.ID, strings.Repeat("f", 64), []byte(`{"stolen":true}`))
			return notFound(err)
		},
		"RecordDelivery": func() error {
			_, err := s.RecordDelivery(ctx, B, store.WebhookDelivery{ProjectID: a.project.ID, EventID: "x", EventType: "x", URL: "x", Payload: []byte("{}"), Attempt: 1})
			return notFound(err)
		},
		"ListDeliveries": func() error { l, err := s.ListDeliveries(ctx, B, a.project.ID, 10); return empty(len(l), err) },
		"DeliveryPage": func() error {
			l, _, err := s.DeliveryPage(ctx, B, store.DeliveryFilter{ProjectID: a.project.ID})
			return empty(len(l), err)
		},
		"GetDelivery": func() error { _, err := s.GetDelivery(ctx, B, aDelivery); return notFound(err) },
		"PutIntegration": func() error {
			_, err := s.PutIntegration(ctx, B, store.IntegrationInput{Kind: gh, ProjectID: &a.project.ID, Token: "x"})
			return notFound(err)
		},
		"GetIntegration":    func() error { _, err := s.GetIntegration(ctx, B, gh, &a.project.ID); return notFound(err) },
		"IntegrationToken":  func() error { _, err := s.IntegrationToken(ctx, B, gh, &a.project.ID); return notFound(err) },
		"DeleteIntegration": func() error { return notFound(s.DeleteIntegration(ctx, B, gh, &a.project.ID)) },
		"GetAPIKey":         func() error { _, err := s.GetAPIKey(ctx, B, a.key.ID); return notFound(err) },
		"RevokeAPIKey":      func() error { return notFound(s.RevokeAPIKey(ctx, B, a.key.ID)) },
		"Membership":        func() error { _, err := s.Membership(ctx, B, a.admin.ID); return notFound(err) },
		"SetRole":           func() error { return notFound(s.SetRole(ctx, B, a.admin.ID, store.RoleMember)) },
		"RemoveMember":      func() error { return notFound(s.RemoveMember(ctx, B, a.admin.ID)) },
		"GetUser":           func() error { _, err := s.GetUser(ctx, B, a.admin.ID); return notFound(err) },
		"CreateSession":     func() error { _, err := s.CreateSession(ctx, a.admin.ID, B); return notFound(err) },
		"ProjectMailLabel":  func() error { _, err := s.ProjectMailLabel(ctx, B, a.project.ID); return notFound(err) },
		"DeliverMail": func() error {
			return notFound(s.DeliverMail(ctx, B, a.project.ID, 100, &mail.Message{To: "x@y.z", Received: time.Now()}))
		},
		"FindMail": func() error { l, err := s.FindMail(ctx, B, a.project.ID, mail.Query{}); return empty(len(l), err) },
		"ListMail": func() error { l, err := s.ListMail(ctx, B, a.project.ID, 100); return empty(len(l), err) },
		"GetMail":  func() error { _, err := s.GetMail(ctx, B, a.project.ID, a.mail.ID); return notFound(err) },
		"GetMail with own project": func() error {
			_, err := s.GetMail(ctx, B, b.project.ID, a.mail.ID)
			return notFound(err)
		},
		"PutPlan": func() error {
			_, err := s.PutPlan(ctx, B, a.project.ID, "stolen", []plan.Node{{Name: "x"}})
			return notFound(err)
		},
		"ListPlans":  func() error { l, err := s.ListPlans(ctx, B, a.project.ID); return empty(len(l), err) },
		"GetPlan":    func() error { _, err := s.GetPlan(ctx, B, a.plan.ID); return notFound(err) },
		"DeletePlan": func() error { return notFound(s.DeletePlan(ctx, B, a.plan.ID)) },
		"StartPlanRun": func() error {
			_, _, err := s.StartPlanRun(ctx, B, a.plan.ID, store.RunInput{}, nil)
			return notFound(err)
		},
		"AdvancePlan": func() error {
			adv, err := s.AdvancePlan(ctx, B, a.planRun.ID, nil)
			if err != nil {
				return err
			}
			return empty(len(adv.Started)+len(adv.Skipped), nil)
		},
		"PlanNodes": func() error { l, err := s.PlanNodes(ctx, B, a.planRun.ID); return empty(len(l), err) },
		"PlanInputs": func() error {
			v, ok, err := s.PlanInputs(ctx, B, a.planNodes[0].AgentID)
			if ok || len(v) > 0 {
				return fmt.Errorf("B read A's plan values: %v", v)
			}
			return err
		},
		"RememberPlanValues": func() error {
			return s.RememberPlanValues(ctx, B, a.planNodes[0].AgentID, map[string]string{"order_id": "stolen"})
		},
		"PutRole": func() error {
			_, err := s.PutRole(ctx, B, a.project.ID, "checkout-auditor", "stolen")
			return notFound(err)
		},
		"ListRoles":  func() error { l, err := s.ListRoles(ctx, B, a.project.ID); return empty(len(l), err) },
		"GetRole":    func() error { _, err := s.GetRole(ctx, B, a.project.ID, "checkout-auditor"); return notFound(err) },
		"DeleteRole": func() error { return notFound(s.DeleteRole(ctx, B, a.project.ID, "checkout-auditor")) },
		"MailReader": func() error {
			l, err := s.MailReader(B, a.project.ID).Find(ctx, mail.Query{To: a.mail.To})
			return empty(len(l), err)
		},
	}
	for name, call := range cases {
		if err := call(); err != nil {
			t.Errorf("%s as tenant B on tenant A's object: %v", name, err)
		}
	}

	// Every tenant-scoped method is covered: a new one must be added above.
	typ := reflect.TypeFor[*store.Store]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if _, ok := cases[name]; !ok && !slices.Contains(notTenantScoped, name) {
			t.Errorf("store method %s is neither covered by the isolation test nor listed as not tenant-scoped", name)
		}
	}

	// Lists of B never include A's rows.
	if keys, _ := s.ListAPIKeys(ctx, B); len(keys) != 1 || keys[0].ID != b.key.ID {
		t.Errorf("B's key list: %+v", keys)
	}
	if members, _ := s.ListMembers(ctx, B); len(members) != 1 || members[0].User.ID != b.admin.ID {
		t.Errorf("B's member list: %+v", members)
	}
	if projects, _ := s.ListProjects(ctx, B); len(projects) != 1 || projects[0].ID != b.project.ID {
		t.Errorf("B's project list: %+v", projects)
	}
	if runs, _, _ := s.ListRuns(ctx, B, store.RunFilter{}); len(runs) != 2 || !slices.ContainsFunc(runs, func(r store.Run) bool { return r.ID == b.run.ID }) || runs[0].TenantID != B || runs[1].TenantID != B {
		t.Errorf("B's run list: %+v", runs)
	}

	// A's data is untouched.
	A := a.tenant.ID
	if v, ok, err := s.PlanInputs(ctx, A, a.planNodes[0].AgentID); err != nil || !ok || len(v) != 0 {
		t.Errorf("A's first node needs nothing, so starts with no values: %v %v %v", v, ok, err)
	}
	if nodes, err := s.PlanNodes(ctx, A, a.planRun.ID); err != nil || len(nodes) != 1 || nodes[0].Vars["order_id"] != "A-"+a.tenant.Name || nodes[0].Status != plan.Running {
		t.Errorf("A's plan nodes: %+v %v", nodes, err)
	}
	if r, err := s.GetRole(ctx, A, a.project.ID, "checkout-auditor"); err != nil || r.Prompt != "Check the totals of "+a.tenant.Name {
		t.Errorf("A's role: %+v %v", r, err)
	}
	if d, err := s.GetDiscovery(ctx, A, a.discovery.ID); err != nil || d.Status != store.DiscoveryQueued || d.Error != "" || d.MaxPages != 7 {
		t.Errorf("A's discovery: %+v %v", d, err)
	}
	if sc, err := s.GetSchedule(ctx, A, a.schedule.ID); err != nil || sc.Name != "nightly" || sc.Paused || !sc.NextFireAt.Equal(*a.schedule.NextFireAt) {
		t.Errorf("A's schedule: %+v %v", sc, err)
	}
	if fs, _ := s.ListFirings(ctx, A, a.schedule.ID, 10); len(fs) != 1 || fs[0].RunID != nil || len(fs[0].Skipped) != 1 {
		t.Errorf("A's firings: %+v", fs)
	}
	if p, err := s.GetProject(ctx, A, a.project.ID); err != nil || p.Name != "Shop" {
		t.Errorf("A's project: %+v %v", p, err)
	}
	if p, err := s.GetPersona(ctx, A, a.project.ID, "buyer"); err != nil || p.DisplayName != "Buyer alpha" {
		t.Errorf("A's persona: %+v %v", p, err)
	}
	if ws, _ := s.WebhookSecret(ctx, A, a.project.ID); ws != "whsec_alpha" {
		t.Errorf("A's webhook secret became %q", ws)
	}
	if ss, _ := s.WebhookSigningSecrets(ctx, A, a.project.ID); len(ss) != 1 || ss[0] != "whsec_alpha" {
		t.Errorf("A's signing secrets became %q", ss)
	}
	if ep, err := s.WebhookEndpoint(ctx, A, a.project.ID); err != nil || ep.DisabledAt != nil {
		t.Errorf("A's webhook endpoint: %+v %v", ep, err)
	}
	if v, _ := s.SecretValues(ctx, A, a.project.ID); v["password"] != "pw-alpha-value" {
		t.Errorf("A's secret became %q", v["password"])
	}
	if tt, err := s.GetTest(ctx, A, a.test.ID); err != nil || tt.Name != "Checkout alpha" {
		t.Errorf("A's test: %v", err)
	}
	if ag, err := s.GetAgent(ctx, A, a.agent.ID); err != nil || ag.Status != store.StatusQueued || ag.Iterations != 0 {
		t.Errorf("A's agent: %+v %v", ag, err)
	}
	if st, _ := s.ListSteps(ctx, A, a.agent.ID); len(st) != 1 {
		t.Errorf("A's steps: %d", len(st))
	}
	if r, err := s.GetReplay(ctx, A, a.test.ID); err != nil || r.Key != strings.Repeat("0", 64) {
		t.Errorf("A's replay: %+v %v", r, err)
	}
	if _, err := s.LookupAPIKey(ctx, a.key.Plaintext); err != nil {
		t.Errorf("A's key: %v", err)
	}
	if tok, _ := s.IntegrationToken(ctx, A, gh, &a.project.ID); tok != "ghs_alpha" {
		t.Errorf("A's GitHub token became %q", tok)
	}
	if r, _ := s.Membership(ctx, A, a.admin.ID); r != store.RoleAdmin {
		t.Errorf("A's admin role became %q", r)
	}
	if l, err := s.ListMail(ctx, A, a.project.ID, 100); err != nil || len(l) != 1 || l[0].Subject != "Confirm alpha" {
		t.Errorf("A's mail: %+v %v", l, err)
	}
	if label, _ := s.ProjectMailLabel(ctx, A, a.project.ID); label != a.mailLabel {
		t.Errorf("A's mail label became %q", label)
	}
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// TestRowLevelSecurityBackstop runs queries that forget the tenant filter
// inside a tenant transaction: row-level security must still confine them
// to the current tenant.
func TestRowLevelSecurityBackstop(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	a := makeWorld(t, s, "alpha")
	b := makeWorld(t, s, "beta")

	tables := []string{"tenants", "memberships", "api_keys", "user_sessions", "projects", "secrets", "tests",
		"runs", "agents", "steps", "webhook_deliveries", "integrations", "users", "replays", "mail_messages"}
	// The connection's own role sees both tenants' rows...
	for _, table := range tables {
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < 2 {
			t.Fatalf("setup: %s has %d rows, want both tenants'", table, n)
		}
	}
	// ...a tenant transaction, with no filter in the query, sees only B's.
	err := s.InTenant(ctx, b.tenant.ID, func(tx pgx.Tx) error {
		for _, table := range tables {
			var total, foreign int
			q := `SELECT count(*), count(*) FILTER (WHERE tenant_id <> $1) FROM ` + table
			switch table {
			case "tenants":
				q = `SELECT count(*), count(*) FILTER (WHERE id <> $1) FROM tenants`
			case "users":
				q = `SELECT count(*), count(*) FILTER (WHERE id <> (SELECT user_id FROM memberships WHERE tenant_id = $1)) FROM users`
			}
			if err := tx.QueryRow(ctx, q, b.tenant.ID).Scan(&total, &foreign); err != nil {
				return err
			}
			if total == 0 || foreign != 0 {
				t.Errorf("%s without a tenant filter: %d rows, %d of another tenant", table, total, foreign)
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE tests SET name = name || ' (renamed)'`)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			t.Errorf("unfiltered UPDATE touched %d rows, want B's 1", tag.RowsAffected())
		}
		if _, err := tx.Exec(ctx, `DELETE FROM steps`); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Writing a row for another tenant is refused.
	err = s.InTenant(ctx, b.tenant.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO projects (tenant_id, name, base_url) VALUES ($1, 'planted', 'https://x.example.com')`, a.tenant.ID)
		return err
	})
	if err == nil {
		t.Fatal("tenant B inserted a row for tenant A")
	}
	// Moving a row into another tenant is refused.
	err = s.InTenant(ctx, b.tenant.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE projects SET tenant_id = $1`, a.tenant.ID)
		return err
	})
	if err == nil {
		t.Fatal("tenant B moved its row into tenant A")
	}

	if tt, _ := s.GetTest(ctx, a.tenant.ID, a.test.ID); tt.Name != "Checkout alpha" {
		t.Errorf("A's test renamed to %q", tt.Name)
	}
	if st, _ := s.ListSteps(ctx, a.tenant.ID, a.agent.ID); len(st) != 1 {
		t.Errorf("A's steps deleted by B's unfiltered DELETE")
	}

	// Without a tenant, the application role sees nothing at all.
	err = pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL ROLE argus_app`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM tests) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM tenants)`).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			t.Errorf("application role with no tenant set sees %d rows", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
