package app

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/schedule"
	"github.com/argusqa/argus/store"
)

// firingsShown is how many of a schedule's latest firings are listed.
const firingsShown = 50

// nextFiringsShown is how many upcoming firing times a schedule shows.
const nextFiringsShown = 5

// checkSchedule checks a schedule request and returns its store form,
// with the next firing computed from the App's clock (none while paused).
func (a *App) checkSchedule(in api.ScheduleInput) (store.ScheduleInput, error) {
	out := store.ScheduleInput{Name: strings.TrimSpace(in.Name), Cron: strings.TrimSpace(in.Cron), Timezone: strings.TrimSpace(in.Timezone),
		Tags: cleanTags(in.Tags), MaxRunsPerDay: in.MaxRunsPerDay, MaxTokensPerDay: in.MaxTokensPerDay, Paused: in.Paused}
	if out.Timezone == "" {
		out.Timezone = "UTC"
	}
	var fields []FieldError
	if out.Name == "" || len(out.Name) > 200 {
		fields = append(fields, FieldError{Field: "name", Message: "name must be 1 to 200 characters"})
	}
	spec, err := schedule.Parse(out.Cron, out.Timezone)
	if err != nil {
		field := "cron"
		if strings.Contains(err.Error(), "time zone") {
			field = "timezone"
		}
		fields = append(fields, FieldError{Field: field, Message: err.Error()})
	}
	for _, n := range in.TestNames {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out.TestNames, n) {
			out.TestNames = append(out.TestNames, n)
		}
	}
	if in.MaxRunsPerDay != nil && *in.MaxRunsPerDay < 0 {
		fields = append(fields, FieldError{Field: "max_runs_per_day", Message: "max_runs_per_day must be 0 or more (null: no limit)"})
	}
	if in.MaxTokensPerDay != nil && *in.MaxTokensPerDay < 0 {
		fields = append(fields, FieldError{Field: "max_tokens_per_day", Message: "max_tokens_per_day must be 0 or more (null: no limit)"})
	}
	out.Digest, out.DigestTo = in.Digest, nil
	switch in.Digest {
	case "", store.DigestOff, store.DigestFiring, store.DigestDaily:
	default:
		fields = append(fields, FieldError{Field: "digest", Message: "digest must be off, firing (after each firing's run) or daily"})
	}
	if len(in.DigestTo) > MaxDigestRecipients {
		fields = append(fields, FieldError{Field: "digest_to", Message: fmt.Sprintf("at most %d addresses", MaxDigestRecipients)})
	}
	for i, addr := range in.DigestTo {
		a, err := mail.ParseAddress(strings.TrimSpace(addr))
		if err != nil || a.Name != "" || len(a.Address) > 254 {
			fields = append(fields, FieldError{Field: fmt.Sprintf("digest_to[%d]", i), Message: "must be a bare e-mail address such as qa@example.com"})
			continue
		}
		if !slices.Contains(out.DigestTo, a.Address) {
			out.DigestTo = append(out.DigestTo, a.Address)
		}
	}
	if in.Digest != "" && in.Digest != store.DigestOff && len(in.DigestTo) == 0 {
		fields = append(fields, FieldError{Field: "digest_to", Message: "a digest needs at least one address"})
	}
	if len(fields) > 0 {
		return out, invalid("the schedule is not valid", fields...)
	}
	if !out.Paused {
		next := spec.Next(a.cfg.now())
		out.NextFireAt = &next
	}
	return out, nil
}

// MaxDigestRecipients bounds a schedule's digest subscribers.
const MaxDigestRecipients = 50

// ScheduleView is sc's wire form, with its next firing times.
func (a *App) ScheduleView(sc *store.Schedule) api.Schedule {
	v := api.Schedule{ID: sc.ID, ProjectID: sc.ProjectID, Name: sc.Name, Cron: sc.Cron, Timezone: sc.Timezone,
		Tags: nonNil(sc.Tags), TestNames: nonNil(sc.TestNames), MaxRunsPerDay: sc.MaxRunsPerDay, MaxTokensPerDay: sc.MaxTokensPerDay,
		Paused: sc.Paused, Digest: sc.Digest, DigestTo: nonNil(sc.DigestTo), NextFirings: []time.Time{}, CreatedAt: sc.CreatedAt.UTC(), UpdatedAt: sc.UpdatedAt.UTC()}
	if sc.NextFireAt != nil {
		v.NextFirings = append(v.NextFirings, sc.NextFireAt.UTC())
		if spec, err := schedule.Parse(sc.Cron, sc.Timezone); err == nil {
			v.NextFirings = append(v.NextFirings, spec.NextN(*sc.NextFireAt, nextFiringsShown-1)...)
		}
	}
	return v
}

// ListSchedules lists a project's schedules by name.
func (a *App) ListSchedules(ctx context.Context, p *Principal, project uuid.UUID) ([]api.Schedule, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	scs, err := a.store.ListSchedules(ctx, p.TenantID, project)
	if err != nil {
		return nil, err
	}
	out := make([]api.Schedule, len(scs))
	for i := range scs {
		out[i] = a.ScheduleView(&scs[i])
	}
	return out, nil
}

// CreateSchedule adds a schedule to a project; it first fires at the next
// time its expression names after now.
func (a *App) CreateSchedule(ctx context.Context, p *Principal, project uuid.UUID, in api.ScheduleInput) (*api.Schedule, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	sin, err := a.checkSchedule(in)
	if err != nil {
		return nil, err
	}
	sc, err := a.store.CreateSchedule(ctx, p.TenantID, project, sin)
	if err != nil {
		return nil, err
	}
	v := a.ScheduleView(sc)
	return &v, nil
}

// GetSchedule returns one schedule.
func (a *App) GetSchedule(ctx context.Context, p *Principal, id uuid.UUID) (*api.Schedule, error) {
	sc, err := a.store.GetSchedule(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	v := a.ScheduleView(sc)
	return &v, nil
}

// UpdateSchedule replaces a schedule. Pausing clears its next firing;
// resuming or changing its expression or time zone fires it next at the
// first time after now; otherwise a due firing stays due.
func (a *App) UpdateSchedule(ctx context.Context, p *Principal, id uuid.UUID, in api.ScheduleInput) (*api.Schedule, error) {
	old, err := a.store.GetSchedule(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	sin, err := a.checkSchedule(in)
	if err != nil {
		return nil, err
	}
	if !sin.Paused && !old.Paused && old.NextFireAt != nil && old.Cron == sin.Cron && old.Timezone == sin.Timezone {
		sin.NextFireAt = old.NextFireAt
	}
	sc, err := a.store.UpdateSchedule(ctx, p.TenantID, id, sin)
	if err != nil {
		return nil, err
	}
	v := a.ScheduleView(sc)
	return &v, nil
}

// DeleteSchedule removes a schedule; the runs it started stay.
func (a *App) DeleteSchedule(ctx context.Context, p *Principal, id uuid.UUID) error {
	return a.store.DeleteSchedule(ctx, p.TenantID, id)
}

// ScheduleFirings lists a schedule's latest firings, newest first, with
// their runs and skipped tests.
func (a *App) ScheduleFirings(ctx context.Context, p *Principal, id uuid.UUID) ([]api.Firing, error) {
	if _, err := a.store.GetSchedule(ctx, p.TenantID, id); err != nil {
		return nil, err
	}
	fs, err := a.store.ListFirings(ctx, p.TenantID, id, firingsShown)
	if err != nil {
		return nil, err
	}
	out := make([]api.Firing, len(fs))
	for i, f := range fs {
		out[i] = api.Firing{ID: f.ID, DueAt: f.DueAt.UTC(), FiredAt: f.FiredAt.UTC(), RunID: f.RunID, Skipped: []api.FiringSkip{}}
		for _, s := range f.Skipped {
			out[i].Skipped = append(out[i].Skipped, api.FiringSkip{TestID: s.TestID, TestName: s.TestName, Reason: s.Reason})
		}
	}
	return out, nil
}
