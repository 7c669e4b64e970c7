package web

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type scheduleRow struct {
	api.Schedule
	Firings []api.Firing
	// DigestForm edits the schedule's digest.
	DigestForm digestForm
}

// digestForm is a schedule's digest as the form shows it: the stored
// one, or what was sent with the problems the app layer found.
type digestForm struct {
	Mode   string
	To     string // one address a line
	Error  string
	Errors map[string]string // by field: digest, digest_to
	Saved  bool
}

// scheduleForm is the new-schedule form as it was sent, with the problems
// found by field (name, cron, timezone, tags, test_names,
// max_runs_per_day, max_tokens_per_day, digest, digest_to); Error holds
// what has no field of its own.
type scheduleForm struct {
	Name, Cron, Timezone, Tags, TestNames string
	MaxRunsPerDay, MaxTokensPerDay        string
	Digest, DigestTo                      string
	Error                                 string
	Errors                                map[string]string
}

type schedulesData struct {
	Schedules []scheduleRow
	Form      scheduleForm
}

// scheduleList shows a project's schedules with their next firings and
// latest firings (skipped tests with the reason), and the form to add one.
func (u *UI) scheduleList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	var saved uuid.UUID
	if id, err := uuid.Parse(r.URL.Query().Get("digest_saved")); err == nil {
		saved = id
	}
	return u.showSchedules(w, r, v, p, http.StatusOK, saved, nil, nil)
}

// showSchedules renders the schedules page; sent, when set, is a digest
// form to show as it was sent instead of the stored digest, and create a
// new-schedule form to show as it was sent instead of an empty one.
func (u *UI) showSchedules(w http.ResponseWriter, r *http.Request, v *viewer, p *store.Project, status int, saved uuid.UUID, sent *sentDigest, create *scheduleForm) error {
	scs, err := u.app.ListSchedules(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	d := schedulesData{Form: scheduleForm{Digest: "off", Errors: map[string]string{}}}
	if create != nil {
		d.Form = *create
	}
	for _, sc := range scs {
		fs, err := u.app.ScheduleFirings(r.Context(), v.p, sc.ID)
		if err != nil {
			return err
		}
		if len(fs) > 5 {
			fs = fs[:5]
		}
		row := scheduleRow{Schedule: sc, Firings: fs, DigestForm: digestForm{Mode: cmp.Or(sc.Digest, "off"), To: strings.Join(sc.DigestTo, "\n"), Saved: sc.ID == saved}}
		if sent != nil && sent.id == sc.ID {
			row.DigestForm = sent.form
		}
		d.Schedules = append(d.Schedules, row)
	}
	u.render(w, r, status, "schedules", page{Title: p.Name + " schedules", V: v, Project: p, Nav: "schedules", Data: d})
	return nil
}

// sentDigest is a digest form sent for schedule id.
type sentDigest struct {
	id   uuid.UUID
	form digestForm
}

// scheduleDigest changes a schedule's digest (off, after each firing,
// daily) and its subscribers through the same app-layer call as PUT
// /api/v1/schedules/{id}; what the app layer refuses is shown on the
// form, field by field, with what was sent.
func (u *UI) scheduleDigest(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sc, err := u.pathSchedule(r, v)
	if err != nil {
		return err
	}
	id := sc.ID
	mode, to := r.PostFormValue("digest"), r.PostFormValue("digest_to")
	in := sc.Input()
	in.Digest, in.DigestTo = mode, splitList(to, true)
	_, err = u.app.UpdateSchedule(r.Context(), v.p, id, in)
	if err == nil {
		http.Redirect(w, r, "/projects/"+sc.ProjectID.String()+"/schedules?digest_saved="+id.String()+"#schedule-"+id.String(), http.StatusSeeOther)
		return nil
	}
	e, ok := app.AsError(err)
	if !ok || e.Code != app.CodeInvalid {
		return err
	}
	f := digestForm{Mode: mode, To: to, Error: e.Detail, Errors: map[string]string{}}
	for _, fe := range e.Fields {
		// digest_to[2] is a problem of the addresses' field.
		field, _, _ := strings.Cut(fe.Field, "[")
		if prev := f.Errors[field]; prev != "" {
			f.Errors[field] = prev + "; " + fe.Message
		} else {
			f.Errors[field] = fe.Message
		}
		if field != "digest" && field != "digest_to" {
			f.Error += " " + fe.Message
		}
	}
	p, err := u.app.GetProject(r.Context(), v.p, sc.ProjectID)
	if err != nil {
		return err
	}
	return u.showSchedules(w, r, v, p, http.StatusBadRequest, uuid.Nil, &sentDigest{id: id, form: f}, nil)
}

// scheduleCreate adds a schedule from the form through the same app-layer
// call as POST /api/v1/projects/{id}/schedules. What the app layer refuses
// (a bad cron expression or time zone, a missing name, ...) shows the page
// again with what was typed and each message beside its field.
func (u *UI) scheduleCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	val := r.PostFormValue
	f := scheduleForm{Name: val("name"), Cron: val("cron"), Timezone: val("timezone"), Tags: val("tags"), TestNames: val("test_names"),
		MaxRunsPerDay: val("max_runs_per_day"), MaxTokensPerDay: val("max_tokens_per_day"), Digest: val("digest"), DigestTo: val("digest_to"),
		Errors: map[string]string{}}
	in := api.ScheduleInput{Name: f.Name, Cron: f.Cron, Timezone: f.Timezone, Tags: splitList(f.Tags, true), TestNames: splitList(f.TestNames, false),
		Digest: f.Digest, DigestTo: splitList(f.DigestTo, true)}
	// The API takes numbers; the form's text must read as one before the
	// app layer can judge it. A schedule with a limit that could not be
	// read must not be created without it, so these stop here.
	if in.MaxRunsPerDay, err = optInt[int](f.MaxRunsPerDay); err != nil {
		f.Errors["max_runs_per_day"] = "Agents per day must be a whole number (empty: no limit)."
	}
	if in.MaxTokensPerDay, err = optInt[int64](f.MaxTokensPerDay); err != nil {
		f.Errors["max_tokens_per_day"] = "Model tokens per day must be a whole number (empty: no limit)."
	}
	if len(f.Errors) > 0 {
		return u.showSchedules(w, r, v, p, http.StatusBadRequest, uuid.Nil, nil, &f)
	}
	sc, err := u.app.CreateSchedule(r.Context(), v.p, p.ID, in)
	if err == nil {
		// The form's action ends in #new-schedule so that a refusal shows
		// the form; the new schedule's card is what to show after a save.
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/schedules#schedule-"+sc.ID.String(), http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, nil) {
		return err
	}
	// A field the form does not have (none today) still gets its message
	// said, above the form.
	for _, name := range slices.Sorted(maps.Keys(f.Errors)) {
		if !slices.Contains(scheduleFormFields, name) {
			f.Error = strings.TrimSpace(f.Error + " " + f.Errors[name])
		}
	}
	return u.showSchedules(w, r, v, p, statusOf(err), uuid.Nil, nil, &f)
}

// scheduleFormFields are the fields of the new-schedule form, which show
// their own messages.
var scheduleFormFields = []string{"name", "cron", "timezone", "tags", "test_names", "max_runs_per_day", "max_tokens_per_day", "digest", "digest_to"}

// schedulePause pauses a schedule or resumes it (paused=false).
func (u *UI) schedulePause(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sc, err := u.pathSchedule(r, v)
	if err != nil {
		return err
	}
	id := sc.ID
	in := sc.Input()
	in.Paused = r.PostFormValue("paused") == "true"
	if _, err := u.app.UpdateSchedule(r.Context(), v.p, id, in); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+sc.ProjectID.String()+"/schedules", http.StatusSeeOther)
	return nil
}

// scheduleDelete removes a schedule; its runs stay.
func (u *UI) scheduleDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sc, err := u.pathSchedule(r, v)
	if err != nil {
		return err
	}
	id := sc.ID
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

// pathSchedule is the schedule the request's path names, as v may see it.
func (u *UI) pathSchedule(r *http.Request, v *viewer) (*api.Schedule, error) {
	id, err := pathID(r, "schedule")
	if err != nil {
		return nil, err
	}
	return u.app.GetSchedule(r.Context(), v.p, id)
}
