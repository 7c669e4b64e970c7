package mail_test

import (
	"context"
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/mail"
)

const domain = "mail.argus.test"

func startReceiver(t *testing.T, cfg mail.Config) (*mail.Receiver, *mail.Memory) {
	t.Helper()
	mem := mail.NewMemory("shop")
	cfg.Listen = "127.0.0.1:0"
	cfg.Domain = domain
	if cfg.Store == nil {
		cfg.Store = mem
	}
	r, err := mail.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return r, mem
}

// send speaks SMTP to the receiver with net/smtp, as an application under
// test would, and returns the first refusal.
func send(t *testing.T, r *mail.Receiver, from string, to []string, msg string) error {
	t.Helper()
	c, err := smtp.Dial(r.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, rc := range to {
		if err := c.Rcpt(rc); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

const confirmMail = "From: Demo Shop <noreply@shop.example>\r\n" +
	"To: signup-7f3k2@shop.mail.argus.test\r\n" +
	"Subject: =?UTF-8?Q?Confirm_your_account_=E2=9C=93?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=b1\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Welcome! Your verification code is 482913.\r\n" +
	"Confirm here: http://127.0.0.1:3000/confirm?token=s3cr3t-t0ken\r\n" +
	"--b1\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"\r\n" +
	"<p>Welcome! Your verification code is <b>482913</b>.</p><p><a href=\"http://127.0.0.1:3000/confirm?token=s3cr3t-t0ken\">Confirm my account</a></p>\r\n" +
	"--b1--\r\n"

func TestReceiveOverSMTP(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	r, mem := startReceiver(t, mail.Config{Now: func() time.Time { return now }})
	to := "Signup-7F3K2@shop.MAIL.argus.test"
	if err := send(t, r, "noreply@shop.example", []string{to}, confirmMail); err != nil {
		t.Fatal(err)
	}
	got, err := mem.Reader("shop").Find(t.Context(), mail.Query{To: "signup-7f3k2@shop.mail.argus.test"})
	if err != nil || len(got) != 1 {
		t.Fatalf("Find = %v, %v; want one message", got, err)
	}
	m := got[0]
	if m.Subject != "Confirm your account ✓" || m.From != `"Demo Shop" <noreply@shop.example>` || !m.Received.Equal(now) {
		t.Errorf("subject %q from %q received %v", m.Subject, m.From, m.Received)
	}
	if len(m.Links) != 1 || m.Links[0].Text != "Confirm my account" || m.Links[0].URL != "http://127.0.0.1:3000/confirm?token=s3cr3t-t0ken" {
		t.Errorf("links = %+v", m.Links)
	}
	if len(m.Codes) == 0 || m.Codes[0] != "482913" {
		t.Errorf("codes = %v", m.Codes)
	}
	if !strings.HasPrefix(m.Preview, "Welcome! Your verification code is 482913.") {
		t.Errorf("preview = %q", m.Preview)
	}
}

func TestRefusesOtherDomainsAtRcpt(t *testing.T) {
	t.Parallel()
	r, mem := startReceiver(t, mail.Config{})
	for _, to := range []string{
		"someone@example.com",         // relaying
		"x@shop.mail.argus.test.evil", // suffix trick
		"x@mail.argus.test",           // no mailbox label
		"x@other.mail.argus.test",     // a label no project owns
		"x@a.shop.mail.argus.test",    // nested label
	} {
		err := send(t, r, "a@b.example", []string{to}, confirmMail)
		if smtpCode(err) != 550 {
			t.Errorf("RCPT TO %s: %v, want 550", to, err)
		}
	}
	if got, _ := mem.Reader("shop").Find(t.Context(), mail.Query{}); len(got) != 0 {
		t.Errorf("stored %d messages", len(got))
	}
}

func TestSizeLimit(t *testing.T) {
	t.Parallel()
	r, mem := startReceiver(t, mail.Config{MaxMessageBytes: 4096})
	big := "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 400)
	if err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, big); smtpCode(err) != 552 {
		t.Fatalf("oversized message: %v, want 552", err)
	}
	if err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, "Subject: small\r\n\r\nhi\r\n"); err != nil {
		t.Fatalf("a small message after it: %v", err)
	}
	if got, _ := mem.Reader("shop").Find(t.Context(), mail.Query{}); len(got) != 1 || got[0].Subject != "small" {
		t.Errorf("stored %+v", got)
	}
}

func TestDefaultSizeLimitIs10MiB(t *testing.T) {
	if got := (mail.Config{}).WithDefaults().MaxMessageBytes; got != 10<<20 {
		t.Errorf("default MaxMessageBytes = %d", got)
	}
}

func TestQuota(t *testing.T) {
	t.Parallel()
	r, mem := startReceiver(t, mail.Config{Quota: 2})
	for i := range 2 {
		if err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, "Subject: n\r\n\r\nhi\r\n"); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, "Subject: n\r\n\r\nhi\r\n"); smtpCode(err) != 452 {
		t.Fatalf("third message: %v, want 452", err)
	}
	if got, _ := mem.Reader("shop").Find(t.Context(), mail.Query{}); len(got) != 2 {
		t.Errorf("stored %d", len(got))
	}
}

func TestMalformedIsAnSMTPError(t *testing.T) {
	t.Parallel()
	r, _ := startReceiver(t, mail.Config{})
	for _, msg := range []string{
		"no header separator and no colon",
		"Content-Type: multipart/mixed\r\n\r\nno boundary\r\n",
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n",
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a\r\n",
		"Content-Type: text/html; =broken\r\n\r\n<p>x</p>\r\n",
	} {
		err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, msg)
		if smtpCode(err) != 554 {
			t.Errorf("%q: %v, want 554", msg, err)
		}
	}
	// The receiver still works after all of them.
	if err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, "Subject: ok\r\n\r\nfine\r\n"); err != nil {
		t.Fatal(err)
	}
}

func TestFindNewestFirstAtMostFive(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tick := make(chan time.Time, 10)
	for i := range 7 {
		tick <- clock.Add(time.Duration(i) * time.Minute)
	}
	r, mem := startReceiver(t, mail.Config{Now: func() time.Time { return <-tick }})
	subjects := []string{"a", "b", "Reset 1", "c", "Reset 2", "d", "e"}
	for _, s := range subjects {
		if err := send(t, r, "a@b.example", []string{"x@shop.mail.argus.test"}, "Subject: "+s+"\r\n\r\nhi\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	rd := mem.Reader("shop")
	all, _ := rd.Find(t.Context(), mail.Query{})
	if len(all) != 5 || all[0].Subject != "e" || all[4].Subject != "Reset 1" {
		t.Errorf("Find = %v", subjectsOf(all))
	}
	resets, _ := rd.Find(t.Context(), mail.Query{SubjectContains: "reset", Since: clock.Add(3 * time.Minute)})
	if len(resets) != 1 || resets[0].Subject != "Reset 2" {
		t.Errorf("Find reset since = %v", subjectsOf(resets))
	}
	if other, _ := rd.Find(t.Context(), mail.Query{To: "y@shop.mail.argus.test"}); len(other) != 0 {
		t.Errorf("another address read %d messages", len(other))
	}
}

func subjectsOf(ms []mail.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}
