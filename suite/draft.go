package suite

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Draft is a test as a form or an API request gives it: plain values
// instead of YAML. Check applies the rules a test file's test obeys, so a
// test is valid or not whatever way it was written.
type Draft struct {
	Name, URL, Goal          string
	Steps, Checkpoints, Tags []string
	Covers                   []string
	Timeout                  time.Duration // 0: DefaultTimeout
	Persona                  string        // "": none
	Priority                 int           // 0: none given (3)
	Video                    string        // on, on-failure, off; "": the project's
}

// FieldProblem says what is wrong with one field of a Draft. Field is the
// name the REST API uses: name, url, goal, steps[i], checkpoints[i],
// tags[i], timeout_seconds, persona, video.
type FieldProblem struct {
	Field, Message string
}

// The rules both test files and drafts state.
const (
	needsGoalOrSteps    = "the test needs a goal (what to do and check, in plain language, for a model), steps (explicit steps, no model needed), or both"
	checkpointsNeedGoal = "checkpoints are judged by the model pursuing the goal; add a goal or turn them into expect steps"
)

// Check returns the test d describes, or every problem it has.
func (d Draft) Check() (*Test, []FieldProblem) {
	var probs []FieldProblem
	add := func(field, format string, args ...any) {
		probs = append(probs, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	t := &Test{Name: strings.TrimSpace(d.Name), URL: strings.TrimSpace(d.URL), Goal: strings.TrimSpace(d.Goal), Timeout: d.Timeout, Priority: d.Priority}
	if d.Priority != 0 && (d.Priority < MinPriority || d.Priority > MaxPriority) {
		add("priority", "must be %d (lowest) to %d (highest)", MinPriority, MaxPriority)
	}
	switch {
	case t.Name == "":
		add("name", "the test has no name; give it a short title")
	case lenProblem(t.Name, MaxNameLen) != "":
		add("name", "%s", lenProblem(t.Name, MaxNameLen))
	}
	if t.URL == "" {
		t.URL = DefaultURL
	} else if msg := urlProblem(t.URL); msg != "" {
		add("url", "%s", msg)
	}
	if msg := lenProblem(t.Goal, MaxGoalLen); msg != "" {
		add("goal", "%s", msg)
	} else if err := checkPlaceholders(t.Goal); err != nil {
		add("goal", "%v", err)
	}
	if len(d.Steps) > MaxSteps {
		add("steps", "has %d items; at most %d are allowed", len(d.Steps), MaxSteps)
	} else {
		for i, src := range d.Steps {
			st, err := ParseStep(src)
			if err != nil {
				add(fmt.Sprintf("steps[%d]", i), "%v", err)
				continue
			}
			t.Steps = append(t.Steps, st)
		}
	}
	if len(d.Checkpoints) > MaxCheckpoints {
		add("checkpoints", "has %d items; at most %d are allowed", len(d.Checkpoints), MaxCheckpoints)
	} else {
		for i, c := range d.Checkpoints {
			c = strings.TrimSpace(c)
			field := fmt.Sprintf("checkpoints[%d]", i)
			if msg := lenProblem(c, MaxCheckpointLen); msg != "" {
				add(field, "%s", msg)
			} else if err := checkPlaceholders(c); err != nil {
				add(field, "%v", err)
			} else if c != "" {
				t.Checkpoints = append(t.Checkpoints, c)
			}
		}
	}
	if len(d.Tags) > MaxTags {
		add("tags", "has %d items; at most %d are allowed", len(d.Tags), MaxTags)
	} else {
		for i, tag := range d.Tags {
			tag = strings.TrimSpace(tag)
			if msg := tagProblem(tag, t.Tags); msg != "" {
				add(fmt.Sprintf("tags[%d]", i), "%s", msg)
				continue
			}
			t.Tags = append(t.Tags, tag)
		}
	}
	if len(d.Covers) > MaxCovers {
		add("covers", "has %d items; at most %d are allowed", len(d.Covers), MaxCovers)
	} else {
		for i, g := range d.Covers {
			g = strings.TrimSpace(g)
			if msg := coverProblem(g, t.Covers); msg != "" {
				add(fmt.Sprintf("covers[%d]", i), "%s", msg)
				continue
			}
			t.Covers = append(t.Covers, g)
		}
	}
	if t.Timeout == 0 {
		t.Timeout = DefaultTimeout
	} else if msg := timeoutProblem(t.Timeout); msg != "" {
		add("timeout_seconds", "%s", msg)
	}
	if p := strings.TrimSpace(d.Persona); p != "" {
		if err := CheckPersonaName(p); err != nil {
			add("persona", "%v", err)
		}
		t.Persona = p
	}
	if v := strings.TrimSpace(d.Video); v != "" {
		if err := CheckVideo(v); err != nil {
			add("video", "%v", err)
		}
		t.Video = v
	}
	if t.Goal == "" && len(d.Steps) == 0 {
		add("goal", needsGoalOrSteps)
	}
	if len(t.Checkpoints) > 0 && t.Goal == "" {
		add("checkpoints", checkpointsNeedGoal)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return t, nil
}

// urlProblem checks a test's start URL.
func urlProblem(u string) string {
	if err := CheckURL(u); err != nil {
		return err.Error()
	}
	if hasPlaceholder(u) {
		return "secret placeholders cannot be used in a URL"
	}
	return ""
}

func lenProblem(s string, limit int) string {
	if c := utf8.RuneCountInString(s); c > limit {
		return fmt.Sprintf("is %d characters long; at most %d are allowed", c, limit)
	}
	return ""
}

// tagProblem checks one tag against the tags already accepted.
func tagProblem(s string, seen []string) string {
	switch {
	case utf8.RuneCountInString(s) > MaxTagLen:
		return fmt.Sprintf("tag is longer than %d characters", MaxTagLen)
	case !tagRe.MatchString(s):
		return fmt.Sprintf("tag %q: tags start with a letter or digit and contain only letters, digits and _ . : / -", s)
	case slices.Contains(seen, s):
		return fmt.Sprintf("tag %q is listed twice", s)
	}
	return ""
}

func timeoutProblem(v time.Duration) string {
	if v < MinTimeout || v > MaxTimeout {
		return fmt.Sprintf("%s is outside the allowed range %s to %s", FormatDuration(v), FormatDuration(MinTimeout), FormatDuration(MaxTimeout))
	}
	return ""
}
