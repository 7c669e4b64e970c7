package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/m365/m365test"
	"github.com/argusqa/argus/integrations/mail"
)

// TestM365ConnectFromTheMailPage connects a project to a Microsoft 365
// mailbox through the Mail page against the fake token endpoint and Graph:
// app-only settings are tried before they are saved (a wrong secret is
// refused with Microsoft's words); delegated access signs in through the
// authorization-code flow — the callback takes the code and the 10-minute
// state once, from the person who started it — and the refresh token and
// client secret are sealed, never in the database in plaintext.
func TestM365ConnectFromTheMailPage(t *testing.T) {
	ms := m365test.New(t)
	e := newEnv(t, envOptions{m365: ms})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("ada@example.com")
	base := "/projects/" + p.ID.String()
	form := url.Values{"mode": {"app_only"}, "tenant_id": {ms.Tenant}, "client_id": {ms.ClientID}, "client_secret": {"wrong-secret"},
		"mailbox": {"qa-inbox@contoso.com"}, "plus_addressing": {"on"}}
	if r := c.post(base+"/m365", form); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "AADSTS7000215") || strings.Contains(r.Body, "wrong-secret") {
		t.Fatalf("wrong secret: %d\n%s", r.StatusCode, r.Body)
	}
	form.Set("client_secret", ms.ClientSecret)
	if r := c.post(base+"/m365", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("app-only: %d\n%s", r.StatusCode, r.Body)
	}
	page := c.get(base + "/mail")
	for _, want := range []string{"read their mail from the Microsoft 365 mailbox <code>qa-inbox@contoso.com</code>", "app-only", `value="` + ms.ClientID + `"`, "(kept when empty)"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("mail page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, ms.ClientSecret) {
		t.Error("the page shows the client secret")
	}

	// Delegated: a new mode needs the secret again; then a person signs in.
	form.Set("mode", "delegated")
	form.Set("client_secret", "")
	if r := c.post(base+"/m365", form); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "client secret") {
		t.Fatalf("delegated without a secret: %d", r.StatusCode)
	}
	form.Set("client_secret", ms.ClientSecret)
	if r := c.post(base+"/m365", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delegated: %d\n%s", r.StatusCode, r.Body)
	}
	if page := c.get(base + "/mail"); !strings.Contains(page.Body, "nobody has signed in yet") || !strings.Contains(page.Body, "Sign in with Microsoft") {
		t.Errorf("delegated before sign-in:\n%s", page.Body)
	}
	if r := e.login("max@example.com").post(base+"/m365/sign-in", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a member signs in: %d", r.StatusCode)
	}
	r := c.post(base+"/m365/sign-in", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.StatusCode)
	}
	code, state := ms.Authorize(t, r.Header.Get("Location"))
	callback := "/integrations/m365/callback?" + url.Values{"code": {code}, "state": {state}, "session_state": {"x"}}.Encode()

	// Someone else, signed in to another tenant, cannot finish it.
	eve := e.otherTenantAdmin()
	for _, path := range []string{base + "/m365", base + "/m365/sign-in", base + "/m365/delete"} {
		if r := eve.post(path, form); r.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s from another tenant: %d", path, r.StatusCode)
		}
	}
	if r := eve.get(callback); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("another tenant's callback: %d", r.StatusCode)
	}
	// That used the state up: the person who started must start again.
	if r := c.get(callback); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "start the sign-in again") {
		t.Fatalf("a used state: %d", r.StatusCode)
	}
	r = c.post(base+"/m365/sign-in", nil)
	code, state = ms.Authorize(t, r.Header.Get("Location"))
	r = c.get("/integrations/m365/callback?" + url.Values{"code": {code}, "state": {state}}.Encode())
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), base+"/mail?m365=signed-in") {
		t.Fatalf("callback: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if page := c.get(base + "/mail?m365=signed-in"); !strings.Contains(page.Body, "delegated access") || !strings.Contains(page.Body, "Signed in to Microsoft 365") {
		t.Errorf("after sign-in:\n%s", page.Body)
	}
	refresh := ms.RefreshTokens()
	if len(refresh) != 1 {
		t.Fatalf("refresh tokens issued: %v", refresh)
	}
	var dump string
	if err := e.st.Pool().QueryRow(e.ctx, `SELECT string_agg(config::text || encode(token_ciphertext, 'escape'), '') FROM integrations`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, refresh[0]) || strings.Contains(dump, ms.ClientSecret) || !strings.Contains(dump, ms.ClientID) {
		t.Errorf("the integrations table holds a secret in plaintext (or not the settings)")
	}

	// Disconnect: back to the built-in mailbox.
	if r := c.post(base+"/m365/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disconnect: %d", r.StatusCode)
	}
	if page := c.get(base + "/mail"); strings.Contains(page.Body, "read their mail from the Microsoft 365") {
		t.Error("still connected after disconnecting")
	}
}

// TestMailPageShowsMicrosoft365 is the Mail page of a project with a
// Microsoft 365 mailbox, against the fake Graph: the built-in mailbox's
// mail and the Microsoft 365 mailbox's are listed together, each marked
// by its mailbox; the Microsoft 365 message opens with its links and
// preview and says its text is not kept. A delegated mailbox nobody
// signed in to is named as not read.
func TestMailPageShowsMicrosoft365(t *testing.T) {
	ms := m365test.New(t)
	e := newEnv(t, envOptions{m365: ms})
	p, _ := e.seedProject("Shop", "Checkout")
	if err := e.st.DeliverMail(e.ctx, e.tenant.ID, p.ID, 10, &mail.Message{To: "signup-x@shop.mail.argus.test", From: "shop@example.com",
		Subject: "Built-in hello", Text: "hello from the receiver"}); err != nil {
		t.Fatal(err)
	}
	c := e.login("ada@example.com")
	base := "/projects/" + p.ID.String()
	form := url.Values{"mode": {"app_only"}, "tenant_id": {ms.Tenant}, "client_id": {ms.ClientID}, "client_secret": {ms.ClientSecret},
		"mailbox": {"qa-inbox@contoso.com"}}
	if r := c.post(base+"/m365", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("connect: %d\n%s", r.StatusCode, r.Body)
	}
	ms.Deliver("qa-inbox@contoso.com", time.Now(), "Reset your password", "qa-inbox@contoso.com",
		`<p>Someone asked to reset your password.</p><p><a href="https://shop.example.com/reset?t=r-99">Reset it</a></p>`)
	page := c.get(base + "/mail")
	for _, want := range []string{"Built-in hello", "Reset your password", `data-source="m365"><span class="badge">Microsoft 365</span>`,
		`data-source="builtin"><span class="badge">Test mailbox</span>`, "The list below has both"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("mail page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, `id="m365-error"`) {
		t.Errorf("the connected mailbox was not read:\n%s", page.Body)
	}
	i := strings.Index(page.Body, `data-source="m365"`)
	j := strings.Index(page.Body[i:], base+"/mail/")
	if i < 0 || j < 0 {
		t.Fatal("no link to the Microsoft 365 message")
	}
	link := page.Body[i+j:]
	link = link[:strings.Index(link, `"`)]
	open := c.get(strings.TrimSuffix(link, "#message"))
	if open.StatusCode != http.StatusOK || !strings.Contains(open.Body, `href="https://shop.example.com/reset?t=r-99"`) ||
		!strings.Contains(open.Body, "its text is not kept") || strings.Contains(open.Body, `class="mailtext"`) {
		t.Errorf("the opened Microsoft 365 message: %d\n%s", open.StatusCode, open.Body)
	}

	// Delegated, nobody signed in: the page says the mailbox was not read.
	form.Set("mode", "delegated")
	if r := c.post(base+"/m365", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delegated: %d", r.StatusCode)
	}
	page = c.get(base + "/mail")
	if !strings.Contains(page.Body, `id="m365-error"`) || !strings.Contains(page.Body, "Built-in hello") || strings.Contains(page.Body, "Reset your password") {
		t.Errorf("delegated before sign-in:\n%s", page.Body)
	}
}
