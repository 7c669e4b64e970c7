package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

type healthData struct {
	Cards  []api.TestHealth
	Tag    string
	Status string
	// Failing counts the shown cards whose latest verdict is failed or
	// error: what "re-run all failing" would start.
	Failing  int
	Nonce    string
	Statuses []healthStatus
}

type healthStatus struct{ Value, Label string }

// healthStatuses are the board's status filter options, in menu order.
var healthStatuses = []healthStatus{
	{"", "All"}, {app.HealthFailing, "Failing (failed or error)"}, {app.HealthFailed, "Failed"},
	{app.HealthError, "Error"}, {app.HealthPassed, "Passed"}, {app.HealthNever, "Never run"},
}

// healthBoard is the project's health board: one card per test with its
// latest verdict, the strip of the last 20, flakiness, last pass, medians
// and replay or model, filtered by tag and status.
func (u *UI) healthBoard(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := healthData{Tag: strings.TrimSpace(q.Get("tag")), Status: q.Get("status"), Nonce: nonce(), Statuses: healthStatuses}
	req := app.HealthRequest{Project: p.ID, Status: d.Status}
	if d.Tag != "" {
		req.Tags = []string{d.Tag}
	}
	if d.Cards, err = u.app.ProjectHealth(r.Context(), v.p, req); err != nil {
		return err
	}
	for i := range d.Cards {
		if s := d.Cards[i].Status; s == app.HealthFailed || s == app.HealthError {
			d.Failing++
		}
	}
	u.render(w, r, http.StatusOK, "health", page{Title: p.Name + " health", V: v, Project: p, Nav: "health", Data: d})
	return nil
}

// healthRerunFailing starts one run of the failing tests the board shows
// (its tag filter), with the form's nonce as the idempotency key.
func (u *UI) healthRerunFailing(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	var tags []string
	if tag := strings.TrimSpace(r.PostFormValue("tag")); tag != "" {
		tags = []string{tag}
	}
	started, err := u.app.RerunFailing(r.Context(), v.p, p.ID, tags, strings.TrimSpace(r.PostFormValue("nonce")))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+started.Run.ID.String(), http.StatusSeeOther)
	return nil
}
