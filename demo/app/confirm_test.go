package app

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/argusqa/argus/integrations/mail"
)

// TestSignupMailsAMagicLink: with SMTPAddr set, sign-up sends a
// confirmation through a real SMTP receiver, and its link confirms the
// address once.
func TestSignupMailsAMagicLink(t *testing.T) {
	mem := mail.NewMemory("local")
	r, err := mail.Start(mail.Config{Listen: "127.0.0.1:0", Store: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Shutdown(t.Context()) }()
	a, err := New(Config{BcryptCost: 4, SMTPAddr: r.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	to := "grace-ab2cd@local." + mail.DefaultDomain
	res, err := c.PostForm(srv.URL+"/signup", url.Values{"name": {"Grace"}, "email": {to}, "password": {"cobol-1959"}, "confirm": {"cobol-1959"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.RawQuery != "welcome=new&mail=sent" {
		t.Fatalf("after sign-up: %s", res.Request.URL)
	}
	got, _ := mem.Reader("local").Find(t.Context(), mail.Query{To: to})
	if len(got) != 1 || got[0].Subject != "Confirm your email" || len(got[0].Links) != 1 || got[0].Links[0].Text != "Confirm my email" {
		t.Fatalf("mail: %+v", got)
	}
	link := got[0].Links[0].URL
	if !strings.HasPrefix(link, srv.URL+"/confirm?token=") {
		t.Fatalf("link %q", link)
	}
	for i, want := range []int{http.StatusOK, http.StatusBadRequest} {
		res, err := c.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("visit %d of the link: %d, want %d", i+1, res.StatusCode, want)
		}
	}
}
