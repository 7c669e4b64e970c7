package agent_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The application under test in these tests: a login form, a dashboard,
// a settings page whose Save is broken (a console error and a failing
// request, and never the confirmation), and a page where nothing happens.
const (
	appEmail    = "ada@example.com"
	appPassword = "correct-horse-battery"
	// appTOTPSeed is the authenticator seed of the /otp page.
	appTOTPSeed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

type testApp struct {
	*httptest.Server
	// renamed changes the login button's text, as a redesign would.
	renamed atomic.Bool

	mu sync.Mutex
	// codes are the one-time codes the /otp page received.
	codes []string
}

// receivedCodes returns the codes typed into the /otp page so far.
func (app *testApp) receivedCodes() []string {
	app.mu.Lock()
	defer app.mu.Unlock()
	return append([]string(nil), app.codes...)
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	app := &testApp{}
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, title, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>%s</title></head><body>%s</body></html>`, html.EscapeString(title), body)
	}
	loginForm := func(w http.ResponseWriter, msg string) {
		button := "Sign in"
		if app.renamed.Load() {
			button = "Log in"
		}
		page(w, "Sign in", `<h1>Sign in to Acme</h1>`+msg+`
<form method="post" action="/login">
  <label>Email <input name="email" type="email"></label>
  <label>Password <input name="password" type="password"></label>
  <button type="submit">`+button+`</button>
</form>`)
	}
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) { loginForm(w, "") })
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("email") == appEmail && r.FormValue("password") == appPassword {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "ok", Path: "/"})
			http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		loginForm(w, `<p role="alert">Wrong email or password.</p>`)
	})
	mux.HandleFunc("GET /dashboard", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err != nil || c.Value != "ok" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		page(w, "Dashboard", `<h1>Welcome, Ada</h1><p>You have 3 open orders.</p><a href="/settings">Settings</a>`)
	})
	mux.HandleFunc("GET /settings", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Settings", `<h1>Settings</h1>
<label>Display name <input id="name" value="Ada"></label>
<button id="save">Save</button>
<p id="msg"></p>
<script>
document.getElementById("save").addEventListener("click", async () => {
  await fetch("/api/settings", {method: "POST", body: document.getElementById("name").value});
  window.showSavedBanner(); // not defined: the page is broken
});
</script>`)
	})
	mux.HandleFunc("POST /api/settings", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database is read-only", http.StatusInternalServerError)
	})
	otpForm := func(w http.ResponseWriter, msg string) {
		page(w, "Two-factor check", `<h1>Enter the code from your authenticator app</h1>`+msg+`
<form method="post" action="/otp">
  <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code"></label>
  <button type="submit">Verify</button>
</form>`)
	}
	mux.HandleFunc("GET /otp", func(w http.ResponseWriter, r *http.Request) { otpForm(w, "") })
	mux.HandleFunc("POST /otp", func(w http.ResponseWriter, r *http.Request) {
		code := r.FormValue("code")
		app.mu.Lock()
		app.codes = append(app.codes, code)
		app.mu.Unlock()
		// One period either side, as most applications allow for clock skew.
		ok, _ := totp.ValidateCustom(code, appTOTPSeed, time.Now(), totp.ValidateOpts{Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			otpForm(w, `<p role="alert">That code is not valid.</p>`)
			return
		}
		page(w, "Verified", `<h1>Two-factor check passed</h1>`)
	})
	mux.HandleFunc("GET /idle", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Idle", `<h1>Nothing happens here</h1><button>Do nothing</button>`)
	})
	app.Server = httptest.NewServer(mux)
	t.Cleanup(app.Close)
	return app
}
