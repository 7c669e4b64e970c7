package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/m365/m365test"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestMailFromMicrosoft365: a project connected to a Microsoft 365 mailbox
// (app-only, plus addressing) runs an email test in real Chromium against
// the fake Graph and token endpoint with golang.org/x/oauth2 on Argus's
// side: the agent types its own local+tag@ address, the application's
// mail arrives in the mailbox, the agent finds it through Graph (last 10
// minutes, at most 5) and follows its link. Nothing of the message is
// stored; a delegated connection nobody signed in to ends in error before
// a browser starts.
func TestMailFromMicrosoft365(t *testing.T) {
	ms := m365test.New(t)
	const box = "qa-inbox@contoso.com"
	token := mail.RandomSuffix(20)
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Shop</title></head><body>%s</body></html>`, body)
	}
	var appURL string
	mux.HandleFunc("GET /signup", func(w http.ResponseWriter, _ *http.Request) {
		page(w, `<form method="post"><label>Email <input name="email" type="email"></label><button>Sign up</button></form>`)
	})
	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
		to := r.FormValue("email")
		ms.Deliver(box, time.Now(), "Confirm your account", to, `<p>Welcome.</p><p><a href="`+appURL+`/confirm?token=`+token+`">Confirm</a></p>`)
		page(w, `<p>Check your mail.</p>`)
	})
	mux.HandleFunc("GET /confirm", func(w http.ResponseWriter, r *http.Request) {
		page(w, map[bool]string{true: `<p>Email confirmed.</p>`, false: `<p>Bad link.</p>`}[r.FormValue("token") == token])
	})
	app := newApp(t, mux)
	appURL = app.URL
	f := newFixture(t, app.URL)
	ctx := context.Background()
	settings := m365.Settings{Mode: m365.ModeAppOnly, TenantID: ms.Tenant, ClientID: ms.ClientID, Mailbox: box, PlusAddressing: true}
	if _, err := f.store.PutIntegration(ctx, f.tenant.ID, store.IntegrationInput{ProjectID: &f.project.ID, Kind: store.IntegrationM365,
		Config: settings.Map(), Token: m365.Credentials{ClientSecret: ms.ClientSecret}.Seal()}); err != nil {
		t.Fatal(err)
	}
	signup := f.test("Sign up with a company address", store.TestInput{StartURL: "/signup", Steps: []string{
		`type "{{email.address}}" into "Email"`, `click "Sign up"`, `expect text "Check your mail"`,
		`expect email to "{{email.address}}" with subject "Confirm" within 30s`,
		`open link "Confirm" from email`, `expect text "Email confirmed"`,
	}})
	browsers := localBrowsers(t, 1)
	j := f.newJobs(jobs.Config{Browser: browsers, Agent: agent.Config{ExpectTimeout: 5 * time.Second},
		M365: m365.Config{Authority: ms.Srv.URL, GraphURL: ms.Srv.URL + "/v1.0", HTTPClient: ms.Srv.Client()}})
	done := subscribe(j)
	_, agents := f.run(j, signup)
	start(t, j)
	finished(t, done, 1, 180*time.Second)
	a := f.agent(agents[0].ID)
	steps, _ := f.store.ListSteps(ctx, f.tenant.ID, a.ID)
	var rec strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&rec, "%s → %s\n", s.Action, s.Outcome)
	}
	if a.Status != store.StatusPassed {
		t.Fatalf("agent: %s (%s) %s\n%s", a.Status, a.ErrorReason, a.Summary, rec.String())
	}
	if !strings.Contains(rec.String(), "qa-inbox+sign-up-with-") || strings.Contains(rec.String(), token) {
		t.Errorf("steps: the agent's plus address should show and the link token not:\n%s", rec.String())
	}
	qs := ms.Queries()
	if len(qs) == 0 || qs[0].Get("$top") != "5" || !strings.HasPrefix(qs[0].Get("$filter"), "receivedDateTime ge ") {
		t.Errorf("Graph queries: %v", qs)
	}
	var stored int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM mail_messages`).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("%d messages stored (%v); Microsoft 365 mail is read, never kept", stored, err)
	}

	// Delegated, nobody signed in: the agent ends in error, no browser.
	settings.Mode = m365.ModeDelegated
	if _, err := f.store.PutIntegration(ctx, f.tenant.ID, store.IntegrationInput{ProjectID: &f.project.ID, Kind: store.IntegrationM365,
		Config: settings.Map(), Token: m365.Credentials{ClientSecret: ms.ClientSecret}.Seal()}); err != nil {
		t.Fatal(err)
	}
	_, agents = f.run(j, signup)
	finished(t, done, 1, 60*time.Second)
	if a := f.agent(agents[0].ID); a.Status != store.StatusError || !strings.Contains(a.Summary, "nobody has signed in") {
		t.Errorf("delegated without sign-in: %s %q", a.Status, a.Summary)
	}
}
