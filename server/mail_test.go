package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/mail"
)

// TestProjectMailAPI: a project's received mail is listed newest first,
// opened, with the mailbox's domain; one message opens by id; a bad limit is a 400 naming the field.
func TestProjectMailAPI(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	ctx := t.Context()
	for i, subj := range []string{"Welcome", "Confirm your email"} {
		m := &mail.Message{To: "x-ab2cd@shop-1234.mail.argus.test", Subject: subj, Text: "code 482913", Codes: []string{"482913"},
			Links: []mail.Link{{Text: "Confirm", URL: "https://shop.example.com/c?t=1"}}, Received: time.Now().Add(time.Duration(i) * time.Second)}
		if err := e.store.DeliverMail(ctx, a.tenant.ID, a.project.ID, 100, m); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/v1/projects/" + a.project.ID.String() + "/mail"
	r := e.do("GET", path, key(a.memberKey), nil)
	if r.status != 200 {
		t.Fatalf("mail: %d %s", r.status, r.body)
	}
	var list api.MailList
	r.json(t, &list)
	if !strings.HasSuffix(list.Domain, ".mail.argus.test") || len(list.Items) != 3 || list.Items[0].Subject != "Confirm your email" || list.Items[0].Codes[0] != "482913" || list.Items[0].Links[0].Text != "Confirm" {
		t.Fatalf("mail list: %s", r.body)
	}
	if r := e.do("GET", path+"?limit=0", key(a.memberKey), nil); r.status != 400 || !strings.Contains(string(r.body), "limit") {
		t.Errorf("limit=0: %d %s", r.status, r.body)
	}
	// One message, opened.
	r = e.do("GET", path+"/"+list.Items[0].ID.String(), key(a.memberKey), nil)
	var one api.MailMessage
	r.json(t, &one)
	if r.status != 200 || one.ID != list.Items[0].ID || one.Subject != "Confirm your email" || one.Codes[0] != "482913" {
		t.Fatalf("one message: %d %s", r.status, r.body)
	}
	if r := e.do("GET", path+"/not-a-message", key(a.memberKey), nil); r.status != 404 {
		t.Errorf("malformed message id: %d %s", r.status, r.body)
	}
}
