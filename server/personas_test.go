package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestPersonasAPI(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	base := "/api/v1/projects/" + a.project.ID.String() + "/personas"
	admin, member := key(a.adminKey), key(a.memberKey)
	if _, err := e.store.PutSecret(context.Background(), a.tenant.ID, a.project.ID, "buyer_totp", "otpauth://totp/Shop:buyer?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}

	// Every bad field is named at once, as a problem, never a 500.
	r := e.do("PUT", base+"/buyer", admin, map[string]any{
		"email": "not an address", "password_secret": "missing_secret", "totp_secret": "password",
		"locale": "english please", "timezone": "Mars/Olympus", "user_agent": "bad\nagent"})
	if r.status != http.StatusBadRequest || !isProblem(r) {
		t.Fatalf("bad persona: %d %s", r.status, r.body)
	}
	for _, field := range []string{"email", "password_secret", "totp_secret", "locale", "timezone", "user_agent"} {
		if !strings.Contains(string(r.body), `"`+field+`"`) {
			t.Errorf("problem does not name %s: %s", field, r.body)
		}
	}
	if r := e.do("PUT", base+"/Buyer%20One", admin, map[string]any{}); r.status != http.StatusBadRequest {
		t.Errorf("bad name: %d %s", r.status, r.body)
	}
	if r := e.do("PUT", base+"/buyer", member, map[string]any{}); r.status != http.StatusForbidden {
		t.Errorf("member writes a persona: %d", r.status)
	}

	good := map[string]any{"display_name": "Berta Buyer", "email": "buyer@shop.mail.argus.test", "username": "berta",
		"password_secret": "password", "totp_secret": "buyer_totp", "locale": "de-DE", "timezone": "Europe/Berlin",
		"user_agent": "Mozilla/5.0 (ArgusPersona)"}
	// An address in the test mailboxes' domain must be this project's.
	label, err := e.store.ProjectMailLabel(t.Context(), a.tenant.ID, a.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do("PUT", base+"/buyer", admin, good); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"email"`) || !strings.Contains(string(r.body), "@"+label+".mail.argus.test") {
		t.Fatalf("another project's mailbox: %d %s", r.status, r.body)
	}
	good["email"] = "buyer@" + label + ".mail.argus.test"
	if r := e.do("PUT", base+"/buyer", admin, good); r.status != http.StatusOK || !strings.Contains(string(r.body), `"locale":"de-DE"`) {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	r = e.do("GET", base+"/buyer", member, nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"totp_secret":"buyer_totp"`) || strings.Contains(string(r.body), "JBSWY3DP") {
		t.Fatalf("GET: %d %s", r.status, r.body)
	}
	if r := e.do("GET", base, member, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"name":"buyer"`) {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	// A test names its persona; it comes back on the test.
	r = e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/tests", admin, map[string]any{"name": "As buyer", "goal": "buy", "persona": "buyer"})
	if r.status != http.StatusCreated || !strings.Contains(string(r.body), `"persona":"buyer"`) {
		t.Fatalf("test with a persona: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/projects/"+a.project.ID.String()+"/tests", admin, map[string]any{"name": "Bad", "goal": "x", "persona": "No Such"}); r.status != http.StatusBadRequest {
		t.Errorf("test with a bad persona name: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", base+"/buyer", admin, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if r := e.do("GET", base+"/buyer", member, nil); r.status != http.StatusNotFound || !isProblem(r) {
		t.Fatalf("GET after delete: %d", r.status)
	}
}
