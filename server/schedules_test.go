package server_test

import (
	"strings"
	"testing"

	"github.com/argusqa/argus/api"
)

// TestSchedulesAPI creates, reads, pauses, resumes and deletes a schedule:
// bad cron and time zone are 400 problems naming the field, a duplicate
// name 409; a schedule shows its next five firings, none while paused.
func TestSchedulesAPI(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	c := key(a.memberKey)
	list := "/api/v1/projects/" + a.project.ID.String() + "/schedules"
	for body, field := range map[string]map[string]any{
		"cron":     {"name": "x", "cron": "every day"},
		"timezone": {"name": "x", "cron": "0 6 * * *", "timezone": "Mars/Olympus"},
		"name":     {"name": " ", "cron": "0 6 * * *"},
		"budget":   {"name": "x", "cron": "0 6 * * *", "max_runs_per_day": -1},
	} {
		r := e.do("POST", list, c, field)
		if r.status != 400 || !isProblem(r) || (body != "budget" && !strings.Contains(string(r.body), `"`+body+`"`)) {
			t.Errorf("bad %s: %d %s", body, r.status, r.body)
		}
	}
	five := 5
	r := e.do("POST", list, c, map[string]any{"name": "Morning", "cron": "30 6 * * 1-5", "timezone": "Europe/Brussels", "tags": []string{"Smoke"}, "max_runs_per_day": five})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sc api.Schedule
	r.json(t, &sc)
	if len(sc.NextFirings) != 5 || sc.Timezone != "Europe/Brussels" || sc.Tags[0] != "smoke" || *sc.MaxRunsPerDay != 5 || sc.MaxTokensPerDay != nil {
		t.Errorf("created = %+v", sc)
	}
	for i := 1; i < len(sc.NextFirings); i++ {
		if !sc.NextFirings[i].After(sc.NextFirings[i-1]) {
			t.Errorf("next firings not increasing: %v", sc.NextFirings)
		}
	}
	if r := e.do("POST", list, c, map[string]any{"name": "Morning", "cron": "@daily"}); r.status != 409 {
		t.Errorf("duplicate name: %d %s", r.status, r.body)
	}
	one := "/api/v1/schedules/" + sc.ID.String()
	r = e.do("PUT", one, c, map[string]any{"name": "Morning", "cron": "30 6 * * 1-5", "timezone": "Europe/Brussels", "paused": true})
	var paused api.Schedule
	r.json(t, &paused)
	if r.status != 200 || !paused.Paused || len(paused.NextFirings) != 0 {
		t.Errorf("pause: %d %s", r.status, r.body)
	}
	r = e.do("PUT", one, c, map[string]any{"name": "Morning", "cron": "@hourly"})
	var resumed api.Schedule
	r.json(t, &resumed)
	if r.status != 200 || resumed.Paused || len(resumed.NextFirings) != 5 || resumed.NextFirings[0].Minute() != 0 {
		t.Errorf("resume: %d %s", r.status, r.body)
	}
	var ls api.List[api.Schedule]
	e.do("GET", list, c, nil).json(t, &ls)
	if len(ls.Items) != 2 { // Morning and the world's Nightly
		t.Errorf("list = %+v", ls.Items)
	}
	var fs api.List[api.Firing]
	if r := e.do("GET", one+"/firings", c, nil); r.status != 200 {
		t.Errorf("firings: %d", r.status)
	} else if r.json(t, &fs); len(fs.Items) != 0 {
		t.Errorf("firings of a schedule never fired: %+v", fs.Items)
	}
	if r := e.do("DELETE", one, c, nil); r.status != 204 {
		t.Errorf("delete: %d", r.status)
	}
	if r := e.do("GET", one, c, nil); r.status != 404 {
		t.Errorf("after delete: %d", r.status)
	}
}
