package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/m365/m365test"
)

// TestM365API connects a project's Microsoft 365 mailbox over the API
// against the fake token endpoint and Graph: bad settings are a 400 naming
// the fields, a secret Microsoft refuses a 422 with its words, good
// app-only settings connect; no answer shows the secret; the sign-in of an
// app-only connection is refused; DELETE disconnects.
func TestM365API(t *testing.T) {
	ms := m365test.New(t)
	e := newEnv(t, func(c *envConfig) {
		c.App.M365 = m365.Config{Authority: ms.Srv.URL, GraphURL: ms.Srv.URL + "/v1.0", HTTPClient: ms.Srv.Client()}
	})
	a := e.world("acme")
	path := "/api/v1/projects/" + a.project.ID.String() + "/m365"
	// The world's project waits for a delegated sign-in.
	if r := e.do("GET", path, key(a.memberKey), nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"connected":false`) || strings.Contains(string(r.body), "m365-secret") {
		t.Fatalf("delegated, not signed in: %d %s", r.status, r.body)
	}
	r := e.do("PUT", path, key(a.adminKey), map[string]any{"mode": "sideways", "tenant_id": "", "client_id": ms.ClientID, "mailbox": "not an address"})
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"mode"`) || !strings.Contains(string(r.body), `"tenant_id"`) || !strings.Contains(string(r.body), `"mailbox"`) {
		t.Fatalf("bad settings: %d %s", r.status, r.body)
	}
	put := map[string]any{"mode": "app_only", "tenant_id": ms.Tenant, "client_id": ms.ClientID, "client_secret": "nope", "mailbox": "qa-inbox@contoso.com"}
	if r := e.do("PUT", path, key(a.adminKey), put); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "AADSTS7000215") {
		t.Fatalf("refused secret: %d %s", r.status, r.body)
	}
	put["client_secret"] = ms.ClientSecret
	r = e.do("PUT", path, key(a.adminKey), put)
	var c api.M365Connection
	r.json(t, &c)
	if r.status != http.StatusOK || !c.Connected || c.Mode != "app_only" || !strings.HasSuffix(c.RedirectURL, "/integrations/m365/callback") {
		t.Fatalf("connect: %d %s", r.status, r.body)
	}
	r = e.do("GET", path, key(a.memberKey), nil)
	if r.status != http.StatusOK || strings.Contains(string(r.body), ms.ClientSecret) || !strings.Contains(string(r.body), `"connected":true`) {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	if r := e.do("POST", path+"/sign-in", key(a.adminKey), nil); r.status != http.StatusUnprocessableEntity {
		t.Errorf("sign-in of an app-only connection: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", path, key(a.adminKey), nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := e.do("GET", path, key(a.memberKey), nil); r.status != http.StatusNotFound {
		t.Errorf("after delete: %d", r.status)
	}
}

// TestMailListsMicrosoft365 is the project's mail API with a Microsoft 365
// mailbox connected, against the fake Graph: the list has the built-in
// mailbox's mail and the Microsoft 365 mailbox's recent mail, each marked
// by source, newest first; a Microsoft 365 message opens without text,
// and nothing of it is stored. Another tenant sees none of it; a mailbox
// nobody signed in to is named with why it was not read.
func TestMailListsMicrosoft365(t *testing.T) {
	ms := m365test.New(t)
	e := newEnv(t, func(c *envConfig) {
		c.App.M365 = m365.Config{Authority: ms.Srv.URL, GraphURL: ms.Srv.URL + "/v1.0", HTTPClient: ms.Srv.Client()}
	})
	a, b := e.world("acme"), e.world("globex")
	mailPath := "/api/v1/projects/" + a.project.ID.String() + "/mail"
	var box api.MailList
	// The world's project waits for a delegated sign-in: not read.
	e.do("GET", mailPath, key(a.memberKey), nil).json(t, &box)
	if box.M365Mailbox != "qa@acme.example" || !strings.Contains(box.M365Error, "nobody has signed in") || len(box.Items) != 1 || box.Items[0].Source != api.MailSourceBuiltin {
		t.Fatalf("delegated, not signed in: %+v", box)
	}

	const mailbox = "qa-inbox@contoso.com"
	put := map[string]any{"mode": "app_only", "tenant_id": ms.Tenant, "client_id": ms.ClientID, "client_secret": ms.ClientSecret, "mailbox": mailbox}
	if r := e.do("PUT", "/api/v1/projects/"+a.project.ID.String()+"/m365", key(a.adminKey), put); r.status != http.StatusOK {
		t.Fatalf("connect: %d %s", r.status, r.body)
	}
	const body = `<p>Welcome to the shop.</p><p><a href="https://shop.example.com/confirm?token=tok-4711">Confirm</a> Your code is 493021.</p>`
	ms.Deliver(mailbox, time.Now(), "Confirm your Microsoft account", "qa-inbox+signup@contoso.com", body)
	var stored int
	count := func() int {
		t.Helper()
		var n int
		if err := e.store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM mail_messages`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	stored = count()

	r := e.do("GET", mailPath, key(a.memberKey), nil)
	box = api.MailList{}
	r.json(t, &box)
	if r.status != http.StatusOK || box.M365Mailbox != mailbox || box.M365Error != "" || len(box.Items) != 2 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	// Newest first, whichever mailbox (Graph's times are whole seconds).
	if box.Items[0].ReceivedAt.Before(box.Items[1].ReceivedAt) {
		t.Errorf("not newest first: %v, %v", box.Items[0].ReceivedAt, box.Items[1].ReceivedAt)
	}
	got, builtin := box.Items[0], box.Items[1]
	if got.Source != api.MailSourceM365 {
		got, builtin = builtin, got
	}
	if got.Source != api.MailSourceM365 || got.Subject != "Confirm your Microsoft account" || got.To != "qa-inbox+signup@contoso.com" ||
		!strings.Contains(got.From, "no-reply@lumen.example") || !strings.Contains(got.Preview, "Welcome to the shop") || got.Text != "" ||
		len(got.Links) != 1 || got.Links[0].URL != "https://shop.example.com/confirm?token=tok-4711" {
		t.Errorf("the Microsoft 365 message: %+v", got)
	}
	if builtin.Source != api.MailSourceBuiltin || builtin.ID != a.mail.ID {
		t.Errorf("the built-in message: %+v", builtin)
	}
	var opened api.MailMessage
	r = e.do("GET", mailPath+"/"+got.ID.String(), key(a.memberKey), nil)
	r.json(t, &opened)
	if r.status != http.StatusOK || opened.ID != got.ID || opened.Source != api.MailSourceM365 || opened.Text != "" || len(opened.Links) != 1 {
		t.Errorf("open: %d %s", r.status, r.body)
	}
	if n := count(); n != stored {
		t.Errorf("%d messages stored after listing, %d before: Microsoft 365 mail is read, never kept", n, stored)
	}
	var leaked int
	if err := e.store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM integrations WHERE config::text LIKE '%tok-4711%'`).Scan(&leaked); err != nil || leaked != 0 {
		t.Errorf("the message is in an integration's config (%d, %v)", leaked, err)
	}

	// Another tenant: neither the list nor the message, and its own
	// list holds nothing of acme's mailbox.
	if r := e.do("GET", mailPath, key(b.adminKey), nil); r.status != http.StatusNotFound {
		t.Errorf("another tenant's list: %d", r.status)
	}
	if r := e.do("GET", mailPath+"/"+got.ID.String(), key(b.adminKey), nil); r.status != http.StatusNotFound {
		t.Errorf("another tenant's open: %d", r.status)
	}
	r = e.do("GET", "/api/v1/projects/"+b.project.ID.String()+"/mail/"+got.ID.String(), key(b.adminKey), nil)
	if r.status != http.StatusNotFound {
		t.Errorf("acme's message through globex's project: %d %s", r.status, r.body)
	}
	e.do("GET", "/api/v1/projects/"+b.project.ID.String()+"/mail", key(b.adminKey), nil).json(t, &box)
	for _, m := range box.Items {
		if m.Source == api.MailSourceM365 || strings.Contains(m.Subject, "Microsoft") {
			t.Errorf("globex's list has acme's Microsoft 365 mail: %+v", m)
		}
	}
}
