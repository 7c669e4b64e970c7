package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/mail"
)

// TestMailPage: the project's Mail page lists its mailbox newest first and
// opens a message with its sender, recipient, time, links and codes; user
// text in a message renders inert; another tenant's admin gets 404 for the
// page and the message.
func TestMailPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	older := &mail.Message{To: "signup-abcde@shop.mail.argus.test", From: "shop@example.com", Subject: "Welcome " + xss,
		Received: time.Now().Add(-time.Minute), Preview: "Hello", Text: "Hello " + xss}
	newer := &mail.Message{To: "signup-fghij@shop.mail.argus.test", From: "shop@example.com", Subject: "Confirm your account",
		Received: time.Now(), Preview: "Your code: AB12CD", Text: "Your code: AB12CD\nConfirm",
		Links: []mail.Link{{Text: "Confirm", URL: "https://shop.example.com/confirm?t=tok-0123456789"}}, Codes: []string{"AB12CD"}}
	for _, m := range []*mail.Message{older, newer} {
		if err := e.st.DeliverMail(e.ctx, e.tenant.ID, p.ID, 10, m); err != nil {
			t.Fatal(err)
		}
	}
	label, err := e.st.ProjectMailLabel(e.ctx, e.tenant.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("max@example.com") // a member, not an admin
	base := "/projects/" + p.ID.String() + "/mail"
	list := c.get(base)
	if list.StatusCode != http.StatusOK {
		t.Fatalf("mail page: %d", list.StatusCode)
	}
	for _, want := range []string{"@" + label + ".mail.argus.test", `aria-current="page">Mail`, "signup-fghij@shop.mail.argus.test", "Your code: AB12CD"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("mail page lacks %q", want)
		}
	}
	if i, j := strings.Index(list.Body, "Confirm your account"), strings.Index(list.Body, "Welcome "); i < 0 || j < 0 || i > j {
		t.Errorf("not newest first (%d, %d)", i, j)
	}
	open := c.get(base + "/" + newer.ID.String())
	if open.StatusCode != http.StatusOK {
		t.Fatalf("open message: %d", open.StatusCode)
	}
	for _, want := range []string{`id="message-subject">Confirm your account`, "<code>AB12CD</code>", `href="https://shop.example.com/confirm?t=tok-0123456789"`, "shop@example.com"} {
		if !strings.Contains(open.Body, want) {
			t.Errorf("opened message lacks %q", want)
		}
	}
	if o := c.get(base + "/" + older.ID.String()); strings.Contains(o.Body, xss) || !strings.Contains(o.Body, "&lt;img") {
		t.Error("a message's markup is not shown as text")
	}
	if r := c.get(base + "/not-a-message"); r.StatusCode != http.StatusNotFound {
		t.Errorf("malformed message id: %d", r.StatusCode)
	}

	eve := e.otherTenantAdmin()
	for _, path := range []string{base, base + "/" + newer.ID.String()} {
		if r := eve.get(path); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "AB12CD") {
			t.Errorf("GET %s from another tenant: %d", path, r.StatusCode)
		}
	}
}
