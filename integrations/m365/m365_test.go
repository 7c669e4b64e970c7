package m365_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/m365/m365test"
)

func config(f *m365test.Fake, now time.Time) m365.Config {
	return m365.Config{
		TenantID: f.Tenant, ClientID: f.ClientID, ClientSecret: f.ClientSecret,
		Authority: f.Srv.URL, GraphURL: f.Srv.URL + "/v1.0", HTTPClient: f.Srv.Client(),
		Now: func() time.Time { return now },
	}
}

func TestAppOnlyReadsTheLastTenMinutesAtMostFive(t *testing.T) {
	f := m365test.New(t)
	now := time.Date(2026, 12, 3, 15, 30, 0, 0, time.UTC)
	box := "qa-inbox@contoso.com"
	f.Deliver(box, now.Add(-11*time.Minute), "Too old", box, `<p>old</p>`)
	for i := range 7 {
		f.Deliver(box, now.Add(-time.Duration(9-i)*time.Minute), "Notice "+string(rune('A'+i)), box, `<p>nothing</p>`)
	}
	f.Deliver(box, now.Add(-30*time.Second), "Confirm your email", box,
		`<p>Hello Ada,</p><p>Your verification code is <b>482 913</b>.</p><p><a href="https://lumen.example/confirm?token=s3cr3t">Confirm my address</a></p>`)
	f.Deliver("someone-else@contoso.com", now, "Not ours", "someone-else@contoso.com", `<p>x</p>`)

	cfg := config(f, now)
	cfg.Mailbox = box
	c, err := m365.AppOnly(cfg)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Messages(t.Context(), m365.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
	}
	if want := []string{"Confirm your email", "Notice G", "Notice F", "Notice E", "Notice D"}; !slices.Equal(subjects, want) {
		t.Fatalf("subjects %v, want %v", subjects, want)
	}
	m := msgs[0]
	if m.From != "Lumen Office Supply <no-reply@lumen.example>" || m.To != box || !m.Received.Equal(now.Add(-30*time.Second)) {
		t.Errorf("from %q to %q received %v", m.From, m.To, m.Received)
	}
	if len(m.Links) != 1 || m.Links[0].URL != "https://lumen.example/confirm?token=s3cr3t" || m.Links[0].Text != "Confirm my address" {
		t.Errorf("links %+v", m.Links)
	}
	if len(m.Codes) == 0 || m.Codes[0] != "482913" {
		t.Errorf("codes %v", m.Codes)
	}
	if !strings.HasPrefix(m.Preview, "Hello Ada, Your verification code is 482 913") || m.Text != "" {
		t.Errorf("preview %q, text %q (the body must not be kept)", m.Preview, m.Text)
	}

	// What went over the wire: the window, the limit, newest first, and
	// only the fields that are kept.
	q := f.Queries()[0]
	if q.Get("$filter") != "receivedDateTime ge 2026-12-03T15:20:00Z" || q.Get("$top") != "5" || q.Get("$orderby") != "receivedDateTime desc" {
		t.Errorf("query %v", q)
	}
	if sel := strings.Split(q.Get("$select"), ","); slices.Contains(sel, "internetMessageHeaders") || !slices.Contains(sel, "bodyPreview") {
		t.Errorf("$select %v", sel)
	}
	if !slices.Equal(f.Grants(), []string{"client_credentials"}) {
		t.Errorf("token requests %v", f.Grants())
	}
	// One token serves later queries until it expires.
	if _, err := c.Messages(t.Context(), m365.Query{SubjectContains: "confirm"}); err != nil || len(f.Grants()) != 1 {
		t.Errorf("second query: %v, %d token requests", err, len(f.Grants()))
	}
}

func TestQueryFilters(t *testing.T) {
	f := m365test.New(t)
	now := time.Date(2026, 12, 3, 15, 30, 0, 0, time.UTC)
	box := "qa-inbox@contoso.com"
	f.Deliver(box, now.Add(-5*time.Minute), "Reset your password", "ada@contoso.com", `<a href="https://lumen.example/reset?t=1">Reset</a>`)
	f.Deliver(box, now.Add(-4*time.Minute), "Welcome", "grace@contoso.com", `<p>hi</p>`)
	f.Deliver(box, now.Add(-3*time.Minute), "Your receipt", "ada@contoso.com", `<p>thanks</p>`)
	cfg := config(f, now)
	cfg.Mailbox = box
	c, err := m365.AppOnly(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    m365.Query
		want []string
	}{
		{m365.Query{To: "ADA@contoso.com"}, []string{"Your receipt", "Reset your password"}},
		{m365.Query{SubjectContains: "PASSWORD"}, []string{"Reset your password"}},
		{m365.Query{Since: now.Add(-4*time.Minute - time.Second)}, []string{"Your receipt", "Welcome"}},
		{m365.Query{Since: now.Add(-time.Hour)}, []string{"Your receipt", "Welcome", "Reset your password"}}, // never before the window
	} {
		msgs, err := c.Messages(t.Context(), tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, m.Subject)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestDelegatedSignInAndRotatingRefreshTokens(t *testing.T) {
	f := m365test.New(t)
	f.RotateRefreshTokens = true
	now := time.Now()
	f.Deliver("me", now.Add(-time.Minute), "Magic link", "ada@contoso.com", `<a href="https://lumen.example/magic?k=abc">Log in</a>`)
	d, err := m365.NewDelegated(config(f, now), f.Redirect)
	if err != nil {
		t.Fatal(err)
	}
	code, state := f.Authorize(t, d.AuthCodeURL("state-from-oauth_states"))
	if state != "state-from-oauth_states" {
		t.Fatalf("state %q", state)
	}
	refresh, err := d.Exchange(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exchange(t.Context(), code); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("a code redeemed twice: %v", err)
	}

	var rotated []string
	c, err := d.Client(refresh, func(rt string) { rotated = append(rotated, rt) })
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Messages(t.Context(), m365.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Links[0].URL != "https://lumen.example/magic?k=abc" {
		t.Fatalf("messages %+v", msgs)
	}
	// Microsoft answered the refresh with a new refresh token, and the old
	// one no longer works: the new one must be handed back to be stored.
	if len(rotated) != 1 || rotated[0] == refresh {
		t.Fatalf("rotations %v", rotated)
	}
	stale, err := d.Client(refresh, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stale.Messages(t.Context(), m365.Query{}); err == nil || !strings.Contains(err.Error(), "AADSTS700082") {
		t.Fatalf("a rotated-away refresh token: %v", err)
	}
	again, err := d.Client(rotated[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if msgs, err := again.Messages(t.Context(), m365.Query{}); err != nil || len(msgs) != 1 {
		t.Fatalf("with the rotated token: %v, %d", err, len(msgs))
	}
}

func TestErrorsSayWhatMicrosoftSaid(t *testing.T) {
	f := m365test.New(t)
	cfg := config(f, time.Now())
	cfg.Mailbox = "qa-inbox@contoso.com"
	cfg.ClientSecret = "wrong"
	c, err := m365.AppOnly(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Messages(t.Context(), m365.Query{})
	if err == nil || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("bad client secret: %v", err)
	}

	// A delegated token cannot read another user's mailbox: Graph's 403
	// comes back with its code.
	d, err := m365.NewDelegated(func() m365.Config { c := config(f, time.Now()); c.Mailbox = "ceo@contoso.com"; return c }(), f.Redirect)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := f.Authorize(t, d.AuthCodeURL("s"))
	rt, err := d.Exchange(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := d.Client(rt, nil)
	if _, err := other.Messages(t.Context(), m365.Query{}); err == nil || !strings.Contains(err.Error(), "ErrorAccessDenied") {
		t.Fatalf("another user's mailbox: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	ok := m365.Config{TenantID: "contoso.onmicrosoft.com", ClientID: "c", ClientSecret: "s", Mailbox: "qa@contoso.com"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*m365.Config){
		"tenant":  func(c *m365.Config) { c.TenantID = "bad/tenant" },
		"client":  func(c *m365.Config) { c.ClientID = " " },
		"secret":  func(c *m365.Config) { c.ClientSecret = "" },
		"mailbox": func(c *m365.Config) { c.Mailbox = "../users" },
		"results": func(c *m365.Config) { c.MaxResults = 26 },
		"graph":   func(c *m365.Config) { c.GraphURL = "ftp://x" },
	} {
		c := ok
		mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := m365.AppOnly(m365.Config{TenantID: "t", ClientID: "c", ClientSecret: "s"}); err == nil {
		t.Error("app-only without a mailbox accepted")
	}
	b, _ := json.Marshal(m365.DefaultMaxResults)
	if string(b) != "5" || m365.DefaultWindow != 10*time.Minute {
		t.Error("the spec's defaults changed")
	}
}
