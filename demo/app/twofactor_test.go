package app

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestLoginWithOneTimeCode(t *testing.T) {
	ta := newTestApp(t)
	r := ta.post("/login", url.Values{"email": {DemoTOTPEmail}, "password": {DemoPassword}, "next": {"/profile"}})
	if r.status != http.StatusSeeOther || r.location != "/login/code?next=%2Fprofile" {
		t.Fatalf("password step: %d to %q", r.status, r.location)
	}
	// The password alone is not a login.
	if r := ta.get("/dashboard"); r.status != http.StatusSeeOther {
		t.Fatalf("dashboard after the password only: %d", r.status)
	}
	r = ta.get("/login/code?next=%2Fprofile")
	if r.status != http.StatusOK {
		t.Fatalf("code page: %d", r.status)
	}
	mustContain(t, r.body, "Enter the 6-digit code from your authenticator app.", `autocomplete="one-time-code"`, `value="/profile"`)

	for _, code := range []string{"", "000000", "12345a"} {
		r = ta.post("/login/code", url.Values{"code": {code}, "next": {"/profile"}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("code %q: status %d", code, r.status)
		}
		mustContain(t, r.body, msgCodeInvalid, `role="alert"`)
	}
	old, err := totp.GenerateCode(DemoTOTPSeed, time.Now().Add(-5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if r = ta.post("/login/code", url.Values{"code": {old}}); r.status != http.StatusUnauthorized {
		t.Fatalf("a code from 5 minutes ago: status %d", r.status)
	}

	code, err := totp.GenerateCode(DemoTOTPSeed, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r = ta.post("/login/code", url.Values{"code": {code}, "next": {"/profile"}})
	if r.status != http.StatusSeeOther || r.location != "/profile" {
		t.Fatalf("right code: %d to %q: %s", r.status, r.location, r.body)
	}
	r = ta.get("/dashboard")
	mustContain(t, r.body, "Welcome back, "+DemoTOTPName+"!")

	// The pending login is used up: the code page now sends back to login.
	if r = ta.post("/login/code", url.Values{"code": {code}}); r.status != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("second use of the pending login: %d to %q", r.status, r.location)
	}
}

func TestCodePageWithoutPassword(t *testing.T) {
	ta := newTestApp(t)
	if r := ta.get("/login/code"); r.status != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("code page without a password: %d to %q", r.status, r.location)
	}
	if r := ta.post("/login/code", url.Values{"code": {"123456"}}); r.status != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("code without a password: %d to %q", r.status, r.location)
	}
}
