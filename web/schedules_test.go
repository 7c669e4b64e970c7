package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSchedulesPage adds a schedule through the form, sees its next
// firings, pauses and resumes it, and deletes it; a bad expression is a
// 400 page naming the problem.
func TestSchedulesPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	page := "/projects/" + p.ID.String() + "/schedules"
	if res := c.get("/projects/" + p.ID.String()); !strings.Contains(res.Body, `href="`+page+`"`) {
		t.Fatal("project pages do not link to the schedules")
	}
	if r := c.post(page, url.Values{"name": {"Bad"}, "cron": {"every morning"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "cron") {
		t.Fatalf("bad cron: %d", r.StatusCode)
	}
	if r := c.post(page, url.Values{"name": {"Bad"}, "cron": {"0 6 * * *"}, "max_runs_per_day": {"many"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad budget: %d", r.StatusCode)
	}
	if r := c.post(page, url.Values{"name": {"Bad"}, "cron": {"0 6 * * *"}, "digest": {"daily"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "at least one address") {
		t.Fatalf("digest without subscribers: %d", r.StatusCode)
	}
	r := c.post(page, url.Values{"name": {"Nightly smoke"}, "cron": {"0 6 * * *"}, "timezone": {"Europe/Brussels"}, "tags": {"smoke"}, "max_runs_per_day": {"3"},
		"digest": {"daily"}, "digest_to": {"qa@example.com, lead@example.com"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	body := c.get(page).Body
	for _, want := range []string{"Nightly smoke", "0 6 * * *", "Europe/Brussels", "3 agents", "no token limit", "Next firings", "T05:00:00Z", ">Pause<",
		"Digest: daily (Europe/Brussels), to qa@example.com, lead@example.com"} {
		if !strings.Contains(body, want) {
			t.Errorf("schedules page lacks %q", want)
		}
	}
	i := strings.Index(body, `data-schedule="`)
	id := body[i+len(`data-schedule="`):][:36]
	if r := c.post("/schedules/"+id+"/pause", url.Values{"paused": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pause: %d", r.StatusCode)
	}
	if body := c.get(page).Body; !strings.Contains(body, ">Resume<") || strings.Contains(body, "Next firings") || !strings.Contains(body, "Digest: daily") {
		t.Error("paused schedule still shows next firings, no Resume, or lost its digest")
	}
	c.post("/schedules/"+id+"/pause", url.Values{"paused": {"false"}})
	if body := c.get(page).Body; !strings.Contains(body, "Next firings") {
		t.Error("resumed schedule shows no next firings")
	}
	if r := c.post("/schedules/"+id+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if body := c.get(page).Body; !strings.Contains(body, "No schedules yet") {
		t.Error("deleted schedule still shown")
	}
}
