package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/argusqa/argus/store"
)

// The digest: a plain-text mail per schedule to its subscribers, after
// each firing's run has finished (digest firing) or once a day over that
// day's firings (digest daily, days in the schedule's time zone): what
// passed, what failed or ended in error with its one-line reason, what was
// skipped and why, with links to the run and each agent. Each digest is
// claimed in the database before it is sent, so it goes out once however
// many workers run; one that fails to go out is handed back and tried
// again by the next job.

// SendMail sends one plain-text mail.
type SendMail func(ctx context.Context, to, subject, body string) error

// maxDigestFirings bounds the firings one daily digest lists.
const maxDigestFirings = 200

// SendDigests sends the digests due at now, across tenants, at most limit
// of them, and returns how many went out.
func SendDigests(ctx context.Context, st *store.Store, now time.Time, publicURL string, send SendMail, limit int) (int, error) {
	due, err := st.DueDigests(ctx, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, d := range due {
		ok, err := sendDigest(ctx, st, d, now, publicURL, send)
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of schedule %s: %w", d.ScheduleID, err))
		}
		if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

func sendDigest(ctx context.Context, st *store.Store, d store.DigestDue, now time.Time, publicURL string, send SendMail) (bool, error) {
	sc, err := st.GetSchedule(ctx, d.TenantID, d.ScheduleID)
	if err != nil {
		return false, err
	}
	proj, err := st.GetProject(ctx, d.TenantID, sc.ProjectID)
	if err != nil {
		return false, err
	}
	var firings []store.Firing
	var title string
	if d.FiringID != nil {
		f, err := st.GetFiring(ctx, d.TenantID, *d.FiringID)
		if err != nil {
			return false, err
		}
		if ok, err := st.ClaimFiringDigest(ctx, d.TenantID, f.ID); !ok || err != nil {
			return false, err
		}
		loc, _ := time.LoadLocation(sc.Timezone)
		if loc == nil {
			loc = time.UTC
		}
		firings, title = []store.Firing{*f}, "firing of "+f.DueAt.In(loc).Format("2006-01-02 15:04 MST")
	} else {
		from, to, ready := dailyPeriod(sc, now)
		if !ready {
			return false, nil
		}
		if ok, err := st.ClaimDailyDigest(ctx, d.TenantID, sc.ID, sc.DigestFrom, to); !ok || err != nil || sc.DigestFrom == nil {
			// The first claim only starts the count at today.
			return false, err
		}
		if firings, err = st.FiringsBetween(ctx, d.TenantID, sc.ID, from, to, maxDigestFirings); err != nil || len(firings) == 0 {
			return false, err
		}
		title = from.In(to.Location()).Format("Monday 2006-01-02")
	}
	subject, body, err := composeDigest(ctx, st, sc, proj, firings, title, publicURL)
	if err == nil {
		for _, to := range sc.DigestTo {
			if err = send(ctx, to, subject, body); err != nil {
				break
			}
		}
	}
	if err != nil {
		if d.FiringID != nil {
			// Tried again by the next job.
			err = errors.Join(err, st.ReleaseFiringDigest(context.WithoutCancel(ctx), d.TenantID, *d.FiringID))
		}
		return false, err
	}
	return true, nil
}

// dailyPeriod is the day a daily digest covers next: [from, to) in the
// schedule's time zone, ready once to has passed. Before the first digest
// the period to claim is the start of today (nothing is sent for it).
func dailyPeriod(sc *store.Schedule, now time.Time) (from, to time.Time, ready bool) {
	loc, err := time.LoadLocation(sc.Timezone)
	if err != nil {
		loc = time.UTC
	}
	if sc.DigestFrom == nil {
		n := now.In(loc)
		return time.Time{}, time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc), true
	}
	from = sc.DigestFrom.In(loc)
	to = time.Date(from.Year(), from.Month(), from.Day()+1, 0, 0, 0, 0, loc)
	return from, to, !now.Before(to)
}

// composeDigest writes the mail of a schedule's firings.
func composeDigest(ctx context.Context, st *store.Store, sc *store.Schedule, proj *store.Project, firings []store.Firing, title, publicURL string) (string, string, error) {
	var b strings.Builder
	counts := map[store.Status]int{}
	fmt.Fprintf(&b, "Schedule %q of project %q: %s.\n", sc.Name, proj.Name, title)
	for _, f := range firings {
		loc, _ := time.LoadLocation(sc.Timezone)
		if loc == nil {
			loc = time.UTC
		}
		fmt.Fprintf(&b, "\nFiring at %s", f.DueAt.In(loc).Format("2006-01-02 15:04 MST"))
		if f.RunID == nil {
			b.WriteString(": nothing ran.\n")
		} else {
			fmt.Fprintf(&b, ": %s/runs/%s\n", publicURL, f.RunID)
			agents, err := st.ListAgents(ctx, sc.TenantID, *f.RunID)
			if err != nil {
				return "", "", err
			}
			for _, a := range agents {
				counts[a.Status]++
				fmt.Fprintf(&b, "  %-9s %s", a.Status, a.TestName)
				if line := reasonLine(&a); line != "" {
					b.WriteString(" — " + line)
				}
				fmt.Fprintf(&b, "\n            %s/agents/%s\n", publicURL, a.ID)
			}
		}
		for _, s := range f.Skipped {
			counts["skipped"]++
			fmt.Fprintf(&b, "  %-9s %s — %s\n", "skipped", s.TestName, s.Reason)
		}
	}
	var parts []string
	for _, st := range []store.Status{store.StatusPassed, store.StatusFailed, store.StatusError, store.StatusCancelled, store.StatusRunning, store.StatusQueued, "skipped"} {
		if n := counts[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	if len(parts) == 0 {
		parts = []string{"nothing ran"}
	}
	fmt.Fprintf(&b, "\nSchedules of this project: %s/projects/%s/schedules\n", publicURL, proj.ID)
	subject := fmt.Sprintf("[Argus] %s — %s: %s", proj.Name, sc.Name, strings.Join(parts, ", "))
	return subject, b.String(), nil
}

// reasonLine is the one line said about an agent that did not pass.
func reasonLine(a *store.Agent) string {
	if a.Status == store.StatusPassed {
		return ""
	}
	s := a.Summary
	if s == "" {
		s = a.ErrorReason
	}
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}
