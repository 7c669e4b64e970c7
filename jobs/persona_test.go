package jobs_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestPersonaIdentityReachesTheBrowser: a stored test that runs as a
// persona gets the persona's locale, time zone and user agent in real
// Chromium — in what the application receives and in what its scripts see
// — with explicit steps and no model; a test naming a persona the project
// lacks ends in error before any browser starts.
func TestPersonaIdentityReachesTheBrowser(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Who</title></head><body>
<p>server saw %s with %s</p><p id="page"></p>
<script>document.getElementById("page").textContent = "page sees " + navigator.language + " in " + Intl.DateTimeFormat().resolvedOptions().timeZone;</script>
</body></html>`, html.EscapeString(r.UserAgent()), html.EscapeString(strings.SplitN(r.Header.Get("Accept-Language"), ",", 2)[0]))
	})
	app := newApp(t, mux)
	f := newFixture(t, app.URL)
	ctx := context.Background()
	if _, err := f.store.PutSecret(ctx, f.tenant.ID, f.project.ID, "buyer_password", "correct-horse"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.PutPersona(ctx, f.tenant.ID, f.project.ID, "buyer", store.PersonaInput{
		DisplayName: "Berta Buyer", PasswordSecret: "buyer_password",
		Locale: "de-DE", Timezone: "America/New_York", UserAgent: "ArgusPersona/1.0 (buyer)"}); err != nil {
		t.Fatal(err)
	}
	asBuyer := f.test("As the buyer", store.TestInput{StartURL: "/", Persona: "buyer", Steps: []string{
		`expect text "server saw ArgusPersona/1.0 (buyer) with de-DE"`,
		`expect text "page sees de-DE in America/New_York"`,
	}})
	asNobody := f.test("As nobody in particular", store.TestInput{StartURL: "/", Steps: []string{`expect no text "ArgusPersona"`}})
	missing := f.test("As a stranger", store.TestInput{StartURL: "/", Persona: "stranger", Steps: []string{`expect text "x"`}})

	browsers := localBrowsers(t, 2)
	j := f.newJobs(jobs.Config{Browser: browsers, Agent: agent.Config{ExpectTimeout: 2 * time.Second}})
	done := subscribe(j)
	_, agents := f.run(j, asBuyer, asNobody, missing)
	start(t, j)
	finished(t, done, 3, 120*time.Second)

	for i, want := range []store.Status{store.StatusPassed, store.StatusPassed, store.StatusError} {
		a := f.agent(agents[i].ID)
		if a.Status != want {
			t.Errorf("agent %d: %s (%s), want %s", i, a.Status, a.Summary, want)
		}
	}
	if a := f.agent(agents[2].ID); !strings.Contains(a.Summary, `persona "stranger"`) {
		t.Errorf("missing persona: %q", a.Summary)
	}
}
