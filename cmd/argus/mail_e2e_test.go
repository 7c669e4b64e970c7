package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/demo"
	demoapp "github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/pgtest"
	"github.com/argusqa/argus/internal/seal"
	"github.com/argusqa/argus/store"
)

// TestServerMailEndToEnd runs email tests the way a server does: `argus
// serve --with-worker` with ARGUS_MAIL_LISTEN, tests and a persona made
// over the REST API, an application that mails a confirmation link and a
// letter-and-digit code over real SMTP to the receiver, real PostgreSQL
// and real Chromium. One test signs up with the agent's fresh
// {{email.address}}, the other as a persona whose own mailbox address is
// its {{email.address}}. Both pass; the project's mailbox lists both
// messages over the API; no link token or code is in the database in
// plaintext, in a step record or in the server's log.
func TestServerMailEndToEnd(t *testing.T) {
	browsertest.ChromiumPath(t)
	ctx := context.Background()

	var smtpAddr string // set once the server says where it receives
	var appMu sync.Mutex
	secrets := map[string]string{} // token → code, as the application mailed them
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Shop</title></head><body>%s</body></html>`, body)
	}
	var app *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("GET /signup", func(w http.ResponseWriter, _ *http.Request) {
		page(w, `<form method="post"><label>Email <input name="email" type="email"></label><button>Sign up</button></form>`)
	})
	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
		to := r.FormValue("email")
		token, code := mail.RandomSuffix(20), "Q"+strings.ToUpper(mail.RandomSuffix(3))+"7"+strings.ToUpper(mail.RandomSuffix(1))
		appMu.Lock()
		secrets[token] = code
		addr := smtpAddr
		appMu.Unlock()
		msg := "From: shop@example.com\r\nTo: " + to + "\r\nSubject: Confirm your account\r\nContent-Type: text/html\r\n\r\n" +
			`<p>Your sign-in code: ` + code + `</p><p><a href="` + app.URL + `/confirm?token=` + token + `">Confirm</a></p>`
		if err := smtp.SendMail(addr, nil, "shop@example.com", []string{to}, []byte(msg)); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		page(w, `<p>Check your mail.</p>`)
	})
	mux.HandleFunc("GET /confirm", func(w http.ResponseWriter, r *http.Request) {
		appMu.Lock()
		_, ok := secrets[r.FormValue("token")]
		appMu.Unlock()
		if !ok {
			page(w, `<p>Bad link.</p>`)
			return
		}
		page(w, `<p>Email confirmed.</p><form method="post" action="/code"><label>Code <input name="code"></label><button>Verify</button></form>`)
	})
	mux.HandleFunc("POST /code", func(w http.ResponseWriter, r *http.Request) {
		appMu.Lock()
		defer appMu.Unlock()
		for _, c := range secrets {
			if c == r.FormValue("code") {
				page(w, `<p>Code accepted.</p>`)
				return
			}
		}
		page(w, `<p>Wrong code `+html.EscapeString(r.FormValue("code"))+`</p>`)
	})
	app = httptest.NewServer(mux)
	defer app.Close()

	dbURL := pgtest.MigratedURL(t)
	masterKey := make([]byte, seal.KeySize)
	_, _ = rand.Read(masterKey)
	vars := map[string]string{
		"DATABASE_URL": dbURL, "ARGUS_SECRET_KEY": base64.StdEncoding.EncodeToString(masterKey),
		"ARGUS_LISTEN": "127.0.0.1:0", "ARGUS_BLOB_DIR": t.TempDir(), "ARGUS_LOG_LEVEL": "debug",
		"ARGUS_TARGET_ALLOW_CIDRS": "127.0.0.1/32", "ARGUS_MAX_AGENTS": "2",
		"ARGUS_MAIL_LISTEN": "127.0.0.1:0", "ARGUS_MAIL_DOMAIN": "mail.e2e.test",
	}
	tenant, apiKey := acmeAdmin(t, vars)
	pool, st := e2eStore(t, dbURL, masterKey)
	agentsDone := agentEnds(t)
	logs := &e2eBuffer{}
	base, stop := startServeLogging(t, vars, logs, "--with-worker")
	m := regexp.MustCompile(`test mailbox: SMTP on (\S+) for \*@<project>\.mail\.e2e\.test`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("argus serve did not say where its mailbox listens:\n%s", logs.String())
	}
	appMu.Lock()
	smtpAddr = m[1]
	appMu.Unlock()
	api := &e2eAPI{t: t, base: base, key: apiKey}

	projectID := api.createProject("Shop", app.URL)
	label, err := st.ProjectMailLabel(ctx, tenant, projectID)
	if err != nil {
		t.Fatal(err)
	}
	buyer := "berta@" + label + ".mail.e2e.test"
	if res := api.do("PUT", "/api/v1/projects/"+projectID.String()+"/personas/buyer", map[string]any{"display_name": "Berta Buyer", "email": buyer}); res.status/100 != 2 {
		t.Fatalf("put persona: %d %s", res.status, res.body)
	}
	steps := []string{
		`type "{{email.address}}" into "Email"`, `click "Sign up"`, `expect text "Check your mail"`,
		`expect email to "{{email.address}}" with subject "Confirm" within 60s`,
		`open link "Confirm" from email`, `expect text "Email confirmed"`,
		`type code from email into "Code"`, `click "Verify"`, `expect text "Code accepted"`,
	}
	for name, persona := range map[string]string{"Sign up and confirm by email": "", "Sign up as the buyer": "buyer"} {
		res := api.do("POST", "/api/v1/projects/"+projectID.String()+"/tests", map[string]any{"name": name, "url": "/signup", "steps": steps, "persona": persona})
		if res.status != http.StatusCreated {
			t.Fatalf("create test %q: %d %s", name, res.status, res.body)
		}
	}
	res := api.do("POST", "/api/v1/projects/"+projectID.String()+"/runs", map[string]any{"names": []string{"Sign up and confirm by email", "Sign up as the buyer"}})
	var run struct {
		Agents []struct {
			ID   uuid.UUID `json:"id"`
			Test string    `json:"test_name"`
		} `json:"agents"`
	}
	res.decode(&run)
	if res.status != http.StatusCreated || len(run.Agents) != 2 {
		t.Fatalf("start run: %d %s", res.status, res.body)
	}
	awaitAgents(t, agentsDone, 2)

	var stepText strings.Builder
	for _, a := range run.Agents {
		got, err := st.GetAgent(ctx, tenant, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		stepRows, _ := st.ListSteps(ctx, tenant, a.ID)
		for _, s := range stepRows {
			fmt.Fprintf(&stepText, "%+v\n", s)
		}
		if got.Status != store.StatusPassed {
			t.Errorf("agent %s: %s (%s) %s\n%s", a.Test, got.Status, got.ErrorReason, got.Summary, stepText.String())
		}
	}

	// The project's mailbox: both messages, newest first, one of them to
	// the persona's own address and one to a fresh address of the
	// mailbox.
	res = api.do("GET", "/api/v1/projects/"+projectID.String()+"/mail", nil)
	var list struct {
		Items []struct {
			To      string   `json:"to"`
			Subject string   `json:"subject"`
			Codes   []string `json:"codes"`
		} `json:"items"`
	}
	res.decode(&list)
	box := list.Items
	if res.status != http.StatusOK || len(box) != 2 {
		t.Fatalf("mailbox: %d %s", res.status, res.body)
	}
	tos := box[0].To + " " + box[1].To
	if !strings.Contains(tos, buyer) || !regexp.MustCompile(`sign-up-and-[a-z0-9]{5}@`+regexp.QuoteMeta(label)+`\.mail\.e2e\.test`).MatchString(tos) {
		t.Errorf("recipients: %s", tos)
	}

	stop()
	var dump bytes.Buffer
	rows, err := pool.Query(ctx, `SELECT recipient::text, ciphertext FROM mail_messages`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var to string
		var ct []byte
		if err := rows.Scan(&to, &ct); err != nil {
			t.Fatal(err)
		}
		dump.WriteString(to)
		dump.Write(ct)
	}
	rows.Close()
	appMu.Lock()
	defer appMu.Unlock()
	if len(secrets) != 2 {
		t.Fatalf("the application mailed %d times, want 2", len(secrets))
	}
	for token, code := range secrets {
		for where, text := range map[string]string{"the mail table": dump.String(), "the step records": stepText.String(), "the server log": logs.String()} {
			if strings.Contains(text, token) || strings.Contains(text, code) {
				t.Errorf("%s shows a link token or code in plaintext", where)
			}
		}
		for _, msg := range box {
			if len(msg.Codes) == 0 {
				t.Errorf("no code found in %q", msg.Subject)
			}
		}
	}
}

// TestServerRunsTheDemoMailFlows runs the demo suite's "Sign up and
// confirm by email" and "Log in with a one-time code" as the server does:
// `argus serve --with-worker` with its SMTP receiver, the demo shop mailing
// its confirmation link to it, the tests synced from the demo's YAML files
// over the API, the shop's secrets in the project's vault, real
// PostgreSQL and Chromium. Both pass with explicit steps and no model;
// the TOTP seed and the confirmation link's token are in no log line.
func TestServerRunsTheDemoMailFlows(t *testing.T) {
	browsertest.ChromiumPath(t)
	vars := serveVars(t)
	vars["ARGUS_MAIL_LISTEN"] = "127.0.0.1:0"
	vars["ARGUS_LOG_LEVEL"] = "debug"
	_, apiKey := acmeAdmin(t, vars)
	agentsDone := agentEnds(t)
	logs := &e2eBuffer{}
	base, stop := startServeLogging(t, vars, logs, "--with-worker")
	m := regexp.MustCompile(`test mailbox: SMTP on (\S+) `).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no mailbox address in:\n%s", logs.String())
	}
	shop, err := demoapp.Start(t.Context(), demoapp.ServerConfig{App: demoapp.Config{SMTPAddr: m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = shop.Shutdown(context.Background()) })
	api := &e2eAPI{t: t, base: base, key: apiKey}
	pp := "/api/v1/projects/" + api.createProject("Demo shop", shop.URL()).String()
	for name, value := range demo.Secrets() {
		if res := api.do("PUT", pp+"/secrets/"+name, map[string]any{"value": value}); res.status/100 != 2 {
			t.Fatalf("put secret %s: %d %s", name, res.status, res.body)
		}
	}
	var files []map[string]string
	for _, f := range []string{"confirm-email.yaml", "login.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "demo", "suite", f))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, map[string]string{"path": f, "content": string(b)})
	}
	if res := api.do("POST", pp+"/test-files", map[string]any{"files": files}); res.status != http.StatusOK {
		t.Fatalf("sync test files: %d %s", res.status, res.body)
	}
	names := []string{"Sign up and confirm by email", "Log in with a one-time code"}
	res := api.do("POST", pp+"/runs", map[string]any{"names": names})
	var run struct {
		Agents []struct {
			ID uuid.UUID `json:"id"`
		} `json:"agents"`
	}
	res.decode(&run)
	if res.status != http.StatusCreated || len(run.Agents) != 2 {
		t.Fatalf("start run: %d %s", res.status, res.body)
	}
	awaitAgents(t, agentsDone, 2)
	for _, a := range run.Agents {
		res := api.do("GET", "/api/v1/agents/"+a.ID.String(), nil)
		var got struct {
			TestName, Status, Summary string
		}
		res.decode(&got)
		if got.Status != "passed" {
			steps := api.do("GET", "/api/v1/agents/"+a.ID.String()+"/steps", nil)
			t.Errorf("%s: %s — %s\n%s", got.TestName, got.Status, got.Summary, steps.body)
		}
	}
	res = api.do("GET", pp+"/mail", nil)
	if !strings.Contains(string(res.body), "Confirm your email") {
		t.Errorf("the project's mailbox lacks the confirmation: %s", res.body)
	}
	stop()
	seed := demo.Secrets()["demo_totp"]
	if _, after, ok := strings.Cut(seed, "secret="); ok {
		seed, _, _ = strings.Cut(after, "&")
	}
	if strings.Contains(logs.String(), seed) || regexp.MustCompile(`confirm\?token=\w{8,}`).MatchString(logs.String()) {
		t.Error("the server log shows the TOTP seed or a confirmation token")
	}
}
