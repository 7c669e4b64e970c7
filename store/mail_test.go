package store_test

import (
	"context"
	"errors"
	"net/smtp"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/store"
)

func TestMailbox(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")

	// The label is stable, valid, and found across tenants.
	if !mail.ValidLabel(w.mailLabel) || w.mailLabel[:5] != "shop-" {
		t.Errorf("label %q", w.mailLabel)
	}
	if again, _ := s.ProjectMailLabel(ctx, w.tenant.ID, w.project.ID); again != w.mailLabel {
		t.Errorf("second label %q, first %q", again, w.mailLabel)
	}
	mb, err := s.ResolveMailLabel(ctx, w.mailLabel)
	if err != nil || mb.Tenant != w.tenant.ID || mb.Project != w.project.ID || mb.Stored != 1 {
		t.Fatalf("Resolve = %+v, %v", mb, err)
	}
	if _, err := s.ResolveMailLabel(ctx, "nobody"); !errors.Is(err, mail.ErrNoMailbox) {
		t.Errorf("unknown label: %v", err)
	}

	// Messages open with their sealed parts; Find filters and orders.
	base := time.Now().Add(-time.Hour)
	for i, subj := range []string{"Welcome", "Reset your password", "Reset your password"} {
		m := &mail.Message{To: "reset-1@" + w.mailLabel + ".mail.argus.test", Subject: subj, Text: "t", Received: base.Add(time.Duration(i) * time.Minute)}
		if err := s.DeliverMail(ctx, w.tenant.ID, w.project.ID, 100, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FindMail(ctx, w.tenant.ID, w.project.ID, mail.Query{To: "RESET-1@" + w.mailLabel + ".mail.argus.test", SubjectContains: "reset"})
	if err != nil || len(got) != 2 || !got[0].Received.After(got[1].Received) {
		t.Fatalf("Find = %+v, %v", got, err)
	}
	one, err := s.GetMail(ctx, w.tenant.ID, w.project.ID, w.mail.ID)
	if err != nil || one.Links[0].URL != w.mail.Links[0].URL || one.Codes[0] != "314159" || one.Size != 100 {
		t.Errorf("GetMail = %+v, %v", one, err)
	}
	if since, _ := s.FindMail(ctx, w.tenant.ID, w.project.ID, mail.Query{Since: base.Add(90 * time.Second)}); len(since) != 2 {
		t.Errorf("since: %d messages, want the last reset and the world's", len(since))
	}

	// The quota holds under concurrent deliveries.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			errs <- s.DeliverMail(ctx, w.tenant.ID, w.project.ID, 10, &mail.Message{To: "q@x.test", Received: time.Now()})
		})
	}
	wg.Wait()
	close(errs)
	refused := 0
	for err := range errs {
		switch {
		case errors.Is(err, mail.ErrQuota):
			refused++
		case err != nil:
			t.Fatal(err)
		}
	}
	if all, _ := s.ListMail(ctx, w.tenant.ID, w.project.ID, 100); len(all) != 10 || refused != 14 {
		t.Errorf("after 20 deliveries under a quota of 10: %d stored, %d refused", len(all), refused)
	}

	// Retention.
	n, err := s.PurgeMail(ctx, time.Now().Add(-30*time.Minute))
	if err != nil || n != 3 {
		t.Errorf("PurgeMail = %d, %v; want the 3 messages of an hour ago", n, err)
	}
	var _ store.MailStore // the receiver's Store
}

// TestMailStoreOverSMTP delivers through the real receiver into the
// database, as argus serve does.
func TestMailStoreOverSMTP(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	r, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: store.MailStore{S: s}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Shutdown(context.Background()) }()
	to := "signup-ab2cd@" + w.mailLabel + "." + mail.DefaultDomain
	msg := "From: shop@example.com\r\nSubject: Your code\r\n\r\nYour code is 271828.\r\n"
	if err := smtp.SendMail(r.Addr().String(), nil, "shop@example.com", []string{to}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindMail(ctx, w.tenant.ID, w.project.ID, mail.Query{To: to})
	if err != nil || len(got) != 1 || got[0].Codes[0] != "271828" || got[0].Subject != "Your code" {
		t.Fatalf("Find = %+v, %v", got, err)
	}
	if err := smtp.SendMail(r.Addr().String(), nil, "shop@example.com", []string{"x@nobody." + mail.DefaultDomain}, []byte(msg)); err == nil {
		t.Error("mail to a label no project owns was accepted")
	}
}
