package server_test

import (
	"net/http"
	"strings"
	"testing"

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
