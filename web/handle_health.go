package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

type healthData struct {
	Cards  []healthCard
	Tag    string
	Status string
	// Failing counts the shown cards whose latest verdict is failed or
	// error: what "re-run all failing" would start.
	Failing  int
	Nonce    string
	Statuses []healthStatus
	// LiveURL streams the board's changes, with the same filter.
	LiveURL string
}

// healthCard is one card as the "healthcard" partial renders it; Nonce
// keys its re-run form.
type healthCard struct {
	api.TestHealth
	Nonce string
}

type healthStatus struct{ Value, Label string }

// healthStatuses are the board's status filter options, in menu order.
var healthStatuses = []healthStatus{
	{"", "All"}, {app.HealthFailing, "Failing (failed or error)"}, {app.HealthFailed, "Failed"},
	{app.HealthError, "Error"}, {app.HealthPassed, "Passed"}, {app.HealthNever, "Never run"},
}

// healthBoard is the project's front page, its health board: one card per
// test with its latest verdict, the strip of the last 20, flakiness, last
// pass, medians and replay or model, filtered by tag and status, kept
// up to date by healthLive.
func (u *UI) healthBoard(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	req, d := healthRequest(r, p.ID)
	cards, err := u.app.ProjectHealth(r.Context(), v.p, req)
	if err != nil {
		return err
	}
	for _, c := range cards {
		d.Cards = append(d.Cards, healthCard{c, d.Nonce + "-" + c.Test.ID.String()})
		if c.Status == app.HealthFailed || c.Status == app.HealthError {
			d.Failing++
		}
	}
	u.render(w, r, http.StatusOK, "health", page{Title: p.Name + " health", V: v, Project: p, Nav: "health", Data: d})
	return nil
}

// healthRequest reads the board's filter from the query.
func healthRequest(r *http.Request, project uuid.UUID) (app.HealthRequest, healthData) {
	q := r.URL.Query()
	d := healthData{Tag: strings.TrimSpace(q.Get("tag")), Status: q.Get("status"), Nonce: nonce(), Statuses: healthStatuses}
	req := app.HealthRequest{Project: project, Status: d.Status}
	live := url.Values{}
	if d.Tag != "" {
		req.Tags = []string{d.Tag}
		live.Set("tag", d.Tag)
	}
	if d.Status != "" {
		live.Set("status", d.Status)
	}
	d.LiveURL = "/projects/" + project.String() + "/health/live"
	if len(live) > 0 {
		d.LiveURL += "?" + live.Encode()
	}
	return req, d
}

// healthMoved sends the board's old address to the project's front page.
func (u *UI) healthMoved(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	to := "/projects/" + p.ID.String()
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return nil
}

// healthLive streams the board's changes: a "card" event with the
// rendered card per changed test, "gone" per card that left the board,
// and "failing" with the count the re-run button shows.
func (u *UI) healthLive(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	req, _ := healthRequest(r, p.ID)
	es, err := app.StartEventStream(w)
	if err != nil {
		return nil // the page is gone
	}
	if err := u.app.FollowHealth(r.Context(), v.p, req, nil, &boardWatcher{u: u, es: es}); err != nil && r.Context().Err() == nil {
		u.log.Warn("live board ended", "project", p.ID, "error", err)
	}
	return nil
}

// boardWatcher renders a followed board as the board page's script reads
// it.
type boardWatcher struct {
	u  *UI
	es *app.EventStream
}

type liveCard struct {
	ID   uuid.UUID `json:"id"`
	HTML string    `json:"html,omitempty"`
}

func (bw *boardWatcher) Board(changed []api.TestHealth, gone []uuid.UUID, failing int) error {
	key := nonce()
	for _, c := range changed {
		var buf bytes.Buffer
		if err := bw.u.pages.fragments.ExecuteTemplate(&buf, "healthcard", healthCard{c, key + "-" + c.Test.ID.String()}); err != nil {
			return err
		}
		if err := bw.es.Send("card", "", liveCard{ID: c.Test.ID, HTML: buf.String()}); err != nil {
			return err
		}
	}
	for _, id := range gone {
		if err := bw.es.Send("gone", "", liveCard{ID: id}); err != nil {
			return err
		}
	}
	return bw.es.Send("failing", "", map[string]int{"count": failing})
}

func (bw *boardWatcher) Heartbeat() error { return bw.es.Heartbeat() }

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
