package agent_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/suite"
)

// mailApp is an application that mails a confirmation link and a code to
// the address a visitor signs up with, through the real receiver.
func mailApp(t *testing.T, smtpAddr string) (*httptest.Server, *[]string) {
	t.Helper()
	var tokens []string
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Mail app</title></head><body>%s</body></html>`, body)
	}
	var srv *httptest.Server
	mux.HandleFunc("GET /signup", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<form method="post"><label>Email <input name="email" type="email"></label><button>Sign up</button></form>`)
	})
	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
		to := r.FormValue("email")
		token := mail.RandomSuffix(16)
		tokens = append(tokens, token, "739251")
		msg := "From: app@example.com\r\nTo: " + to + "\r\nSubject: Confirm your account\r\nContent-Type: text/html\r\n\r\n" +
			`<p>Your code is 739251.</p><p><a href="` + srv.URL + `/confirm?token=` + token + `">Confirm</a></p>`
		if err := smtp.SendMail(smtpAddr, nil, "app@example.com", []string{to}, []byte(msg)); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		page(w, `<p>Check your mail.</p>`)
	})
	mux.HandleFunc("GET /confirm", func(w http.ResponseWriter, r *http.Request) {
		if len(tokens) == 0 || r.FormValue("token") != tokens[len(tokens)-2] {
			page(w, `<p>Bad link.</p>`)
			return
		}
		page(w, `<p>Email confirmed.</p><form method="post" action="/code"><label>Code <input name="code"></label><button>Verify</button></form>`)
	})
	mux.HandleFunc("POST /code", func(w http.ResponseWriter, r *http.Request) {
		page(w, "<p>"+map[bool]string{true: "Code accepted.", false: "Wrong code " + html.EscapeString(r.FormValue("code"))}[r.FormValue("code") == "739251"]+"</p>")
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &tokens
}

// TestEmailFlows: explicit steps and the model both sign up, wait for the
// mail, follow its link and type its code; no link token or code appears
// in records, logs, the replay or the model's requests.
func TestEmailFlows(t *testing.T) {
	t.Parallel()
	mem := mail.NewMemory("shop")
	r, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Shutdown(context.Background()) }()
	app, tokens := mailApp(t, r.Addr().String())
	inbox := func() *agent.Inbox {
		return &agent.Inbox{Address: mail.NewAddress("signup", "shop", mail.DefaultDomain), Reader: mem.Reader("shop")}
	}

	var steps []suite.Step
	for _, l := range []string{
		`type "{{email.address}}" into "Email"`, `click "Sign up"`,
		`expect email to "{{email.address}}" with subject "Confirm" within 10s`,
		`open link "Confirm" from email`, `expect text "Email confirmed"`,
		`type code from email into "Code"`, `click "Verify"`, `expect text "Code accepted"`,
	} {
		s, err := suite.ParseStep(l)
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, s)
	}
	stepRec := &recorded{}
	res, err := run(t, newAgent(t, nil, nil), agent.Task{Name: "Sign up by steps", BaseURL: app.URL, StartURL: app.URL + "/signup",
		Key: "7123456789abcdef0123", Steps: steps, Inbox: inbox()}, stepRec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed {
		t.Fatalf("steps: verdict %s (%s): %s\n%s", res.Verdict, res.Reason, res.Summary, stepRec.text())
	}

	model, srv := openAIModel(t,
		call("type", map[string]any{"index": 1, "text": "{{email.address}}"}),
		call("click", map[string]any{"index": 2}),
		call("read_email", map[string]any{"subject": "confirm"}),
		call("navigate", map[string]any{"url": "{{email.link.1}}"}),
		call("type", map[string]any{"index": 1, "text": "{{email.code.1}}"}),
		call("click", map[string]any{"index": 2}),
		call("assert", map[string]any{"check": "text", "value": "Code accepted", "checkpoint": "confirmed"}),
		call("finish", map[string]any{"verdict": "passed", "summary": "Signed up and confirmed."}),
	)
	modelRec := &recorded{}
	res2, err := run(t, newAgent(t, model, nil), agent.Task{Name: "Sign up by model", BaseURL: app.URL, StartURL: app.URL + "/signup",
		Key: "8123456789abcdef0123", Goal: "Sign up with your own address and confirm it.", Checkpoints: []string{"confirmed"}, Inbox: inbox()}, modelRec)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Verdict != agent.VerdictPassed {
		t.Fatalf("model: verdict %s (%s): %s\n%s", res2.Verdict, res2.Reason, res2.Summary, modelRec.text())
	}
	var saved []string
	for _, s := range res2.Replay.Steps {
		saved = append(saved, s.Step.String())
	}
	if got := strings.Join(saved, " | "); !strings.Contains(got, `open link "Confirm" from email`) || !strings.Contains(got, `type code from email into "Code"`) {
		t.Errorf("the replay should hold email steps: %s", got)
	}

	everything := stepRec.text() + modelRec.text() + res.Summary + res2.Summary
	for _, q := range srv.Requests() {
		everything += string(q.Body)
	}
	replay, _ := agent.MarshalReplay(res2.Replay)
	everything += string(replay)
	if len(*tokens) != 4 {
		t.Fatalf("the app mailed %d tokens, want 2 sign-ups", len(*tokens)/2)
	}
	for _, leak := range *tokens {
		if strings.Contains(everything, leak) {
			i := strings.Index(everything, leak)
			t.Fatalf("%q appears in a record, the replay or a model request: …%s…", leak, everything[max(0, i-300):min(len(everything), i+100)])
		}
	}
	if !strings.Contains(everything, "{{email.link.1}}") || !strings.Contains(stepRec.text(), `mail "Confirm your account"`) {
		t.Errorf("records should name the mail and its placeholders:\n%s", stepRec.text())
	}
}

func TestExpectEmailFailsWhenNoneArrives(t *testing.T) {
	t.Parallel()
	mem := mail.NewMemory("shop")
	st, err := suite.ParseStep(`expect email to "{{email.address}}" within 1s`)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorded{}
	res, err := fakeRun(t, newAgent(t, nil, nil), agent.Task{Name: "No mail", StartURL: idleURL, Key: "9123456789abcdef0123",
		Steps: []suite.Step{st}, Inbox: &agent.Inbox{Address: "a-b@shop.mail.argus.test", Reader: mem.Reader("shop")}}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictFailed || !strings.Contains(res.Summary, "no mail arrived for a-b@shop.mail.argus.test within 1s") {
		t.Fatalf("verdict %s: %s", res.Verdict, res.Summary)
	}
	_ = time.Second
}
