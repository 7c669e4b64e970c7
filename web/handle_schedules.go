package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/api"
)

type scheduleRow struct {
	api.Schedule
	Firings []api.Firing
}

type schedulesData struct{ Schedules []scheduleRow }

// scheduleList shows a project's schedules with their next firings and
// latest firings (skipped tests with the reason), and the form to add one.
func (u *UI) scheduleList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	scs, err := u.app.ListSchedules(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	d := schedulesData{}
	for _, sc := range scs {
		fs, err := u.app.ScheduleFirings(r.Context(), v.p, sc.ID)
		if err != nil {
			return err
		}
		if len(fs) > 5 {
			fs = fs[:5]
		}
		d.Schedules = append(d.Schedules, scheduleRow{Schedule: sc, Firings: fs})
	}
	u.render(w, r, http.StatusOK, "schedules", page{Title: p.Name + " schedules", V: v, Project: p, Nav: "schedules", Data: d})
	return nil
}

// scheduleCreate adds a schedule from the form.
func (u *UI) scheduleCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	in := api.ScheduleInput{Name: r.PostFormValue("name"), Cron: r.PostFormValue("cron"), Timezone: r.PostFormValue("timezone"),
		Tags: splitList(r.PostFormValue("tags"), true), TestNames: splitList(r.PostFormValue("test_names"), false),
		Digest: r.PostFormValue("digest"), DigestTo: splitList(r.PostFormValue("digest_to"), true)}
	if in.MaxRunsPerDay, err = optInt[int](r.PostFormValue("max_runs_per_day")); err != nil {
		return badRequest("Runs per day must be a whole number (empty: no limit).")
	}
	if in.MaxTokensPerDay, err = optInt[int64](r.PostFormValue("max_tokens_per_day")); err != nil {
		return badRequest("Tokens per day must be a whole number (empty: no limit).")
	}
	if _, err := u.app.CreateSchedule(r.Context(), v.p, p.ID, in); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+p.ID.String()+"/schedules", http.StatusSeeOther)
	return nil
}

// schedulePause pauses a schedule or resumes it (paused=false).
func (u *UI) schedulePause(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "schedule")
	if err != nil {
		return err
	}
	sc, err := u.app.GetSchedule(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	in := api.ScheduleInput{Name: sc.Name, Cron: sc.Cron, Timezone: sc.Timezone, Tags: sc.Tags, TestNames: sc.TestNames,
		MaxRunsPerDay: sc.MaxRunsPerDay, MaxTokensPerDay: sc.MaxTokensPerDay, Paused: r.PostFormValue("paused") == "true",
		Digest: sc.Digest, DigestTo: sc.DigestTo}
	if _, err := u.app.UpdateSchedule(r.Context(), v.p, id, in); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+sc.ProjectID.String()+"/schedules", http.StatusSeeOther)
	return nil
}

// scheduleDelete removes a schedule; its runs stay.
func (u *UI) scheduleDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "schedule")
	if err != nil {
		return err
	}
	sc, err := u.app.GetSchedule(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	if err := u.app.DeleteSchedule(r.Context(), v.p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+sc.ProjectID.String()+"/schedules", http.StatusSeeOther)
	return nil
}

// optInt reads an optional whole number: empty is nil (no limit).
func optInt[T int | int64](s string) (*T, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, err
	}
	x := T(n)
	return &x, nil
}
