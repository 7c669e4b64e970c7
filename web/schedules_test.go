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

// TestScheduleDigestForm changes an existing schedule's digest from its
// card, through the same app-layer call as the API: what the app layer
// refuses (a digest without subscribers, an address that is not one) is
// a 400 page with the problem on that schedule's form and what was typed
// kept; a good one is saved and shown. Another tenant cannot change it.
func TestScheduleDigestForm(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	page := "/projects/" + p.ID.String() + "/schedules"
	if r := c.post(page, url.Values{"name": {"Nightly"}, "cron": {"0 6 * * *"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	scs, err := e.st.ListSchedules(e.ctx, e.tenant.ID, p.ID)
	if err != nil || len(scs) != 1 {
		t.Fatalf("schedules: %+v %v", scs, err)
	}
	id := scs[0].ID.String()
	action := "/schedules/" + id + "/digest"
	if body := c.get(page).Body; !strings.Contains(body, `action="`+action+`"`) || !strings.Contains(body, "Digest: off") {
		t.Fatalf("the schedule's card has no digest form:\n%s", body)
	}

	r := c.post(action, url.Values{"digest": {"daily"}, "digest_to": {""}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `<p class="fielderr" role="alert">a digest needs at least one address</p>`) ||
		!strings.Contains(r.Body, `<option value="daily" selected>`) {
		t.Errorf("daily without subscribers: %d\n%s", r.StatusCode, r.Body)
	}
	r = c.post(action, url.Values{"digest": {"firing"}, "digest_to": {"qa@example.com\nnot an address"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "must be a bare e-mail address") || !strings.Contains(r.Body, "qa@example.com\nnot an address</textarea>") {
		t.Errorf("a bad address: %d\n%s", r.StatusCode, r.Body)
	}
	r = c.post(action, url.Values{"digest": {"weekly"}, "digest_to": {"qa@example.com"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "digest must be off, firing") {
		t.Errorf("an unknown digest: %d", r.StatusCode)
	}
	if sc, _ := e.st.GetSchedule(e.ctx, e.tenant.ID, scs[0].ID); sc.Digest != "off" && sc.Digest != "" {
		t.Fatalf("a refused form changed the digest: %q", sc.Digest)
	}

	if r := e.otherTenantAdmin().post(action, url.Values{"digest": {"firing"}, "digest_to": {"eve@example.com"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("another tenant: %d", r.StatusCode)
	}
	r = c.post(action, url.Values{"digest": {"daily"}, "digest_to": {"qa@example.com, lead@example.com"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	body := c.get(r.Header.Get("Location")).Body
	if !strings.Contains(body, "Digest saved.") || !strings.Contains(body, "Digest: daily (UTC), to qa@example.com, lead@example.com") ||
		!strings.Contains(body, "qa@example.com\nlead@example.com</textarea>") {
		t.Errorf("after saving:\n%s", body)
	}
	sc, err := e.st.GetSchedule(e.ctx, e.tenant.ID, scs[0].ID)
	if err != nil || sc.Digest != "daily" || strings.Join(sc.DigestTo, ",") != "qa@example.com,lead@example.com" || sc.Name != "Nightly" || sc.Cron != "0 6 * * *" {
		t.Errorf("stored: %+v %v", sc, err)
	}
	// Off again: the subscribers may stay or go; the digest stops.
	if r := c.post(action, url.Values{"digest": {"off"}, "digest_to": {""}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("off: %d %s", r.StatusCode, r.Body)
	}
	if body := c.get(page).Body; !strings.Contains(body, "Digest: off") {
		t.Error("the digest is not off")
	}
}

// TestScheduleCreateForm: what the app layer refuses in a new schedule (a
// bad cron expression, an unknown time zone, a missing name, a limit that
// is no number or below 0, a digest without addresses) is a 400 page with
// the form as it was typed and the message beside its field; nothing is
// stored. A valid form still redirects to the new schedule.
func TestScheduleCreateForm(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	c := e.login("max@example.com")
	page := "/projects/" + p.ID.String() + "/schedules"
	form := func(edit func(url.Values)) url.Values {
		f := url.Values{"name": {"Morning smoke"}, "cron": {"0 6 * * 1-5"}, "timezone": {"Europe/Brussels"}, "tags": {"smoke, ci"},
			"test_names": {"Checkout\nSearch"}, "max_runs_per_day": {"3"}, "max_tokens_per_day": {"50000"}, "digest": {"daily"}, "digest_to": {"qa@example.com"}}
		edit(f)
		return f
	}
	kept := func(t *testing.T, body string, f url.Values) {
		t.Helper()
		for _, want := range []string{`value="` + f.Get("name") + `"`, `value="` + f.Get("cron") + `"`, `value="` + f.Get("timezone") + `"`, `value="smoke, ci"`,
			">Checkout\nSearch</textarea>", `value="` + f.Get("max_runs_per_day") + `"`, `value="` + f.Get("max_tokens_per_day") + `"`,
			`<option value="daily" selected>`, ">" + f.Get("digest_to") + "</textarea>"} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lost %q", want)
			}
		}
	}
	for _, tc := range []struct {
		name, field, msg string
		edit             func(url.Values)
	}{
		{"bad cron", "cron", "Cron expression: ", func(f url.Values) { f.Set("cron", "every morning") }},
		{"unknown time zone", "timezone", "Unknown time zone &#34;Mars/Olympus&#34; (use an IANA name such as Europe/Brussels).", func(f url.Values) { f.Set("timezone", "Mars/Olympus") }},
		{"no name", "name", "Name must be 1 to 200 characters.", func(f url.Values) { f.Set("name", "  ") }},
		{"runs not a number", "max_runs_per_day", "Agents per day must be a whole number (empty: no limit).", func(f url.Values) { f.Set("max_runs_per_day", "many") }},
		{"tokens below 0", "max_tokens_per_day", "Max_tokens_per_day must be 0 or more", func(f url.Values) { f.Set("max_tokens_per_day", "-5") }},
		{"digest without addresses", "digest_to", "A digest needs at least one address.", func(f url.Values) { f.Set("digest_to", "") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := form(tc.edit)
			r := c.post(page, f)
			if r.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d\n%s", r.StatusCode, r.Body)
			}
			kept(t, r.Body, f)
			got := scheduleField(r.Body, tc.field)
			if !strings.Contains(got, `aria-invalid="true"`) || !strings.Contains(got, `<p class="fielderr" role="alert">`+tc.msg) {
				t.Errorf("no message beside %s:\n%s", tc.field, got)
			}
			if n := strings.Count(r.Body, `class="fielderr"`); n != 1 {
				t.Errorf("%d field messages, want 1:\n%s", n, r.Body)
			}
		})
	}
	if scs, err := e.st.ListSchedules(e.ctx, e.tenant.ID, p.ID); err != nil || len(scs) != 0 {
		t.Fatalf("a refused form stored a schedule: %+v %v", scs, err)
	}

	r := c.post(page, form(func(url.Values) {}))
	scs, err := e.st.ListSchedules(e.ctx, e.tenant.ID, p.ID)
	if err != nil || len(scs) != 1 {
		t.Fatalf("schedules: %+v %v", scs, err)
	}
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"#schedule-"+scs[0].ID.String() {
		t.Fatalf("create: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	sc := scs[0]
	if sc.Name != "Morning smoke" || sc.Cron != "0 6 * * 1-5" || sc.Timezone != "Europe/Brussels" || strings.Join(sc.Tags, ",") != "smoke,ci" ||
		strings.Join(sc.TestNames, ",") != "Checkout,Search" || sc.MaxRunsPerDay == nil || *sc.MaxRunsPerDay != 3 ||
		sc.MaxTokensPerDay == nil || *sc.MaxTokensPerDay != 50000 || sc.Digest != "daily" || strings.Join(sc.DigestTo, ",") != "qa@example.com" {
		t.Errorf("stored: %+v", sc)
	}
	// A taken name is a conflict (409), said beside the name all the same.
	r = c.post(page, form(func(f url.Values) { f.Set("cron", "30 7 * * *") }))
	if r.StatusCode != http.StatusConflict || !strings.Contains(scheduleField(r.Body, "name"), "This project already has a schedule of this name.") ||
		!strings.Contains(r.Body, `value="30 7 * * *"`) {
		t.Errorf("a taken name: %d\n%s", r.StatusCode, r.Body)
	}
	if body := c.get(page).Body; !strings.Contains(body, `id="name" name="name" required maxlength="200" placeholder="Nightly smoke" value="">`) {
		t.Error("the new-schedule form is not empty after a save")
	}
}

// scheduleField is the new-schedule form's markup from the field's control
// to the next field (or the form's end), where its message belongs.
func scheduleField(body, field string) string {
	i := strings.Index(body, `id="`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "<div>"); j >= 0 {
		return rest[:j]
	}
	if j := strings.Index(rest, "</form>"); j >= 0 {
		return rest[:j]
	}
	return rest
}
