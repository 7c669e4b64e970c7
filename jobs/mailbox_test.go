package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/smtp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestPersonaMailboxOutsideTheProject: a test that reads the mail of a
// persona whose address is not in the project's test mailbox ends in
// error before a browser starts, saying which address to give it; the
// same persona in a test that reads no mail runs.
func TestPersonaMailboxOutsideTheProject(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1:9")
	ctx := context.Background()
	if _, err := f.store.PutPersona(ctx, f.tenant.ID, f.project.ID, "buyer", store.PersonaInput{Email: "berta@gmail.example"}); err != nil {
		t.Fatal(err)
	}
	reads := f.test("Reads the buyer's mail", store.TestInput{StartURL: "/", Persona: "buyer", Steps: []string{`expect email to "{{email.address}}"`}})
	plain := f.test("Signs in as the buyer", store.TestInput{StartURL: "/", Persona: "buyer", Steps: []string{`expect title "Shop"`}})
	browsers := &fakeProvider{started: make(chan string, 4)}
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	_, agents := f.run(j, reads, plain)
	start(t, j)
	finished(t, done, 2, 60*time.Second)

	label, err := f.store.ProjectMailLabel(ctx, f.tenant.ID, f.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusError || a.ErrorReason != jobs.ReasonSetup || !strings.Contains(a.Summary, "@"+label+".mail.argus.test") {
		t.Errorf("reading an outside persona's mail: %s (%s) %q", a.Status, a.ErrorReason, a.Summary)
	}
	if got := browsers.acquires.Load(); got != 1 {
		t.Errorf("%d browsers started, want 1 (only the test that reads no mail)", got)
	}
}

// TestReadEmailOnTheServer: a goal-only test that never names
// {{email.address}} ("check the welcome mail arrives") still gets a mailbox
// on the server; the model (a fake OpenAI server through the real client)
// types its address, reads the mail with read_email from the database the
// real SMTP receiver delivered to, follows its link placeholder and
// passes in real Chromium. The link's token is in no step.
func TestReadEmailOnTheServer(t *testing.T) {
	token := mail.RandomSuffix(20)
	var smtpAddr atomic.Pointer[string] // set once the receiver listens
	var appURL string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /signup", page("Sign up", `<form method="post"><label>Email <input name="email" type="email"></label><button>Sign up</button></form>`))
	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
		to := r.FormValue("email")
		msg := "From: shop@example.com\r\nTo: " + to + "\r\nSubject: Welcome to the shop\r\nContent-Type: text/html\r\n\r\n" +
			`<p><a href="` + appURL + `/welcome?token=` + token + `">Open your account</a></p>`
		if err := smtp.SendMail(*smtpAddr.Load(), nil, "shop@example.com", []string{to}, []byte(msg)); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		page("Sent", `<p>Check your mail.</p>`)(w, r)
	})
	mux.HandleFunc("GET /welcome", func(w http.ResponseWriter, r *http.Request) {
		page("Welcome", map[bool]string{true: `<p>Account open.</p>`, false: `<p>Bad link.</p>`}[r.FormValue("token") == token])(w, r)
	})
	app := newApp(t, mux)
	appURL = app.URL
	f := newFixture(t, app.URL)
	recv, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: store.MailStore{S: f.store}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = recv.Shutdown(context.Background()) })
	addr := recv.Addr().String()
	smtpAddr.Store(&addr)
	srv := llmtest.NewOpenAI(t,
		toolCall("type", map[string]any{"index": 1, "text": "{{email.address}}"}),
		toolCall("click", map[string]any{"index": 2}),
		toolCall("read_email", map[string]any{"subject": "welcome"}),
		toolCall("navigate", map[string]any{"url": "{{email.link.1}}"}),
		toolCall("assert", map[string]any{"check": "text", "value": "Account open", "checkpoint": "the welcome mail's link opens the account"}),
		toolCall("finish", map[string]any{"verdict": "passed", "summary": "The welcome mail arrived and its link opened the account."}),
	)
	model := openAIModel(t, srv)
	tt := f.test("Welcome mail", store.TestInput{StartURL: "/signup", Goal: "Sign up and check the welcome mail arrives and its link works.",
		Checkpoints: []string{"the welcome mail's link opens the account"}})
	j := f.newJobs(jobs.Config{Browser: localBrowsers(t, 1), Model: model, Agent: agent.Config{ExpectTimeout: 2 * time.Second}})
	done := subscribe(j)
	_, agents := f.run(j, tt)
	start(t, j)
	finished(t, done, 1, 120*time.Second)
	a := f.agent(agents[0].ID)
	steps, _ := f.store.ListSteps(context.Background(), f.tenant.ID, a.ID)
	var rec strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&rec, "%s %s → %s\n", s.Action, s.Thought, s.Outcome)
	}
	if a.Status != store.StatusPassed {
		t.Fatalf("agent: %s (%s) %s\n%s", a.Status, a.ErrorReason, a.Summary, rec.String())
	}
	if !strings.Contains(rec.String(), "read 1 message(s)") || strings.Contains(rec.String(), token) {
		t.Errorf("steps:\n%s", rec.String())
	}
}
