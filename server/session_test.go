package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/app"
)

func sessionCookie(t *testing.T, r *response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == app.SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", app.SessionCookie, r.header["Set-Cookie"])
	return nil
}

func TestLoginSetsCookieAndLogoutEndsIt(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.member.Email, "password": a.password})
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	var out struct {
		User   struct{ Email string }
		Tenant struct{ Slug string }
		Role   string
	}
	r.json(t, &out)
	if out.User.Email != a.member.Email || out.Tenant.Slug != "acme" || out.Role != "member" {
		t.Fatalf("login answer: %s", r.body)
	}
	c := sessionCookie(t, r)
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 7*24*3600 || c.Secure {
		t.Fatalf("cookie attributes: %+v; want HttpOnly, SameSite=Lax, Path=/, MaxAge 604800, not Secure over http", c)
	}
	if len(c.Value) < 40 {
		t.Fatalf("session token %q is too short for 32 random bytes", c.Value)
	}
	if r := e.do("GET", "/api/v1/me", cookie(c.Value), nil); r.status != 200 || !strings.Contains(string(r.body), a.member.Email) {
		t.Fatalf("me with the cookie: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/auth/logout", cookie(c.Value), nil)
	if r.status != 204 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if cleared := sessionCookie(t, r); cleared.MaxAge >= 0 || cleared.Value != "" {
		t.Fatalf("logout did not clear the cookie: %+v", cleared)
	}
	if r := e.do("GET", "/api/v1/me", cookie(c.Value), nil); r.status != 401 {
		t.Fatalf("me after logout: %d %s", r.status, r.body)
	}

	// A tenant the person does not belong to is refused like a wrong
	// password.
	b := e.world("bolt")
	if r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.member.Email, "password": a.password, "tenant": "bolt"}); r.status != 401 {
		t.Fatalf("login into a foreign tenant: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": b.admin.Email, "password": "wrong password!"}); r.status != 401 || !isProblem(r) {
		t.Fatalf("wrong password: %d %s", r.status, r.body)
	}
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.App.PublicURL = "https://argus.example.com" })
	a := e.world("acme")
	r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.admin.Email, "password": a.password})
	if c := sessionCookie(t, r); !c.Secure {
		t.Fatalf("cookie over https is not Secure: %+v", c)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.App.LoginAttempts = 3; c.App.LoginWindow = time.Hour })
	a := e.world("acme")
	for i := range 3 {
		if r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.admin.Email, "password": "guess number " + string(rune('a'+i))}); r.status != 401 {
			t.Fatalf("attempt %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.admin.Email, "password": a.password})
	if r.status != 429 || r.header.Get("Retry-After") == "" || !isProblem(r) {
		t.Fatalf("4th attempt, right password: %d %s; want 429 with Retry-After", r.status, r.body)
	}
	// Another account from the same address is not blocked.
	if r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.member.Email, "password": a.password}); r.status != 200 {
		t.Fatalf("other account: %d %s", r.status, r.body)
	}
}

var tokenInMail = regexp.MustCompile(`token=([A-Za-z0-9_%\-]+)`)

func TestPasswordReset(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	old := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.member.Email, "password": a.password})
	oldCookie := sessionCookie(t, old).Value

	if r := e.do("POST", "/api/v1/auth/password-reset", cred{}, map[string]any{"email": "nobody@example.com"}); r.status != 202 {
		t.Fatalf("unknown email: %d %s", r.status, r.body)
	}
	if n := e.mail.count(); n != 0 {
		t.Fatalf("%d mails sent for an unknown address", n)
	}
	if r := e.do("POST", "/api/v1/auth/password-reset", cred{}, map[string]any{"email": a.member.Email}); r.status != 202 {
		t.Fatalf("reset request: %d %s", r.status, r.body)
	}
	var mail app.Mail
	select {
	case mail = <-e.mail.c:
	case <-time.After(10 * time.Second):
		t.Fatal("no reset mail")
	}
	m := tokenInMail.FindStringSubmatch(mail.Body)
	if mail.To != a.member.Email || m == nil || !strings.Contains(mail.Body, "http://localhost:8080/reset-password?token=") {
		t.Fatalf("reset mail: %+v", mail)
	}
	tok := m[1]
	if r := e.do("POST", "/api/v1/auth/password-reset/confirm", cred{}, map[string]any{"token": tok, "password": "short"}); r.status != 400 || !strings.Contains(string(r.body), `"field":"password"`) {
		t.Fatalf("short password: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/auth/password-reset/confirm", cred{}, map[string]any{"token": tok, "password": "a brand new password"}); r.status != 204 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/auth/password-reset/confirm", cred{}, map[string]any{"token": tok, "password": "another new password"}); r.status != 400 {
		t.Fatalf("token used twice: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/me", cookie(oldCookie), nil); r.status != 401 {
		t.Fatalf("old session after a reset: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.member.Email, "password": a.password}); r.status != 401 {
		t.Fatalf("old password after reset: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/auth/login", cred{}, map[string]any{"email": a.member.Email, "password": "a brand new password"}); r.status != 200 {
		t.Fatalf("new password: %d %s", r.status, r.body)
	}
}
