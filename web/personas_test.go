package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPersonasPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("ada@example.com")
	base := "/projects/" + p.ID.String()
	if r := c.post(base+"/secrets", url.Values{"name": {"buyer_password"}, "value": {"hunter2-hunter2"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("put secret: %d", r.StatusCode)
	}
	form := url.Values{"name": {"buyer"}, "display_name": {"Berta Buyer"}, "username": {"berta@example.com"},
		"password_secret": {"buyer_password"}, "locale": {"xx yy"}, "timezone": {"Europe/Berlin"}}
	r := c.post(base+"/personas", form)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `id="pe-locale" name="locale" value="xx yy"`) || !strings.Contains(r.Body, "BCP 47") {
		t.Fatalf("bad locale: %d\n%s", r.StatusCode, r.Body)
	}
	form.Set("locale", "de-DE")
	if r := c.post(base+"/personas", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	got, err := e.st.GetPersona(e.ctx, e.tenant.ID, p.ID, "buyer")
	if err != nil || got.Locale != "de-DE" || got.PasswordSecret != "buyer_password" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	page := c.get(base + "/personas?edit=buyer")
	label, err := e.st.ProjectMailLabel(e.ctx, e.tenant.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Berta Buyer", "{{secret.buyer_password}}", `value="Europe/Berlin"`, `aria-current="page">Personas`, "<code>@" + label + ".mail.argus.test</code>"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "hunter2") {
		t.Error("the page shows a secret value")
	}
	// Members see the personas but cannot change them.
	m := e.login("max@example.com")
	if r := m.get(base + "/personas"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Berta Buyer") || strings.Contains(r.Body, "Save persona") {
		t.Errorf("member view: %d", r.StatusCode)
	}
	if r := m.post(base+"/personas/buyer/delete", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("member delete: %d", r.StatusCode)
	}
	if r := c.post(base+"/personas/buyer/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if _, err := e.st.GetPersona(e.ctx, e.tenant.ID, p.ID, "buyer"); err == nil {
		t.Fatal("still there")
	}
}
