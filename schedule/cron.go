package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
	// Time zones are named per schedule; the binary carries the zone
	// database so a minimal container without /usr/share/zoneinfo
	// resolves them the same way.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
)

// parser reads the standard five fields (minute hour day-of-month month
// day-of-week) and the descriptors @hourly, @daily, @weekly, @monthly,
// @yearly. Seconds are not offered: a schedule starts agents, which take
// seconds to minutes each, so sub-minute firing is never what is meant.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Spec is a parsed cron expression in its time zone.
type Spec struct {
	sched cron.Schedule
	loc   *time.Location
}

// Parse reads a cron expression and an IANA time zone name (empty means
// UTC). "@every" is refused: its intervals run from whenever a process
// started, not from the clock, so workers would disagree on the firings.
func Parse(expr, timezone string) (*Spec, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, errors.New("cron expression is empty")
	}
	if strings.HasPrefix(expr, "@every") {
		return nil, errors.New("@every is not supported; use the five cron fields, e.g. */15 * * * *")
	}
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		return nil, errors.New("give the time zone in its own field, not in the expression")
	}
	loc := time.UTC
	if timezone != "" {
		l, err := time.LoadLocation(timezone)
		if err != nil || timezone == "Local" {
			return nil, fmt.Errorf("unknown time zone %q (use an IANA name such as Europe/Brussels)", timezone)
		}
		loc = l
	}
	s, err := parser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("cron expression: %w", err)
	}
	if s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, loc)).IsZero() {
		return nil, errors.New("cron expression never fires")
	}
	return &Spec{sched: s, loc: loc}, nil
}

// Next is the first firing strictly after t, in UTC.
func (s *Spec) Next(t time.Time) time.Time { return s.sched.Next(t.In(s.loc)).UTC() }

// NextN is the next n firings after t, in UTC.
func (s *Spec) NextN(t time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	for range n {
		t = s.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// DayStart is the start of t's calendar day in the schedule's time zone:
// the daily budget counts from there.
func (s *Spec) DayStart(t time.Time) time.Time {
	l := t.In(s.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, s.loc).UTC()
}
