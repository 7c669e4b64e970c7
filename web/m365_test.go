package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/argusqa/argus/integrations/m365/m365test"
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
