package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// testForm is the test editor's content as typed, with a message per field
// that is wrong.
type testForm struct {
	Name, URL, Goal, Steps, Checkpoints, Tags, Timeout, Video string
	Errors                                                    map[string]string
	// stepLines[i] is the textarea line of the draft's step i.
	stepLines []int
}

func formFromTest(t *store.Test) testForm {
	f := testForm{Name: t.Name, URL: t.StartURL, Goal: t.Goal, Steps: strings.Join(t.Steps, "\n"),
		Checkpoints: strings.Join(t.Checkpoints, "\n"), Tags: strings.Join(t.Tags, ", "), Video: t.Video}
	if t.Timeout > 0 {
		f.Timeout = strconv.Itoa(int(t.Timeout / time.Second))
	}
	return f
}

func readTestForm(r *http.Request) testForm {
	return testForm{
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		URL:         strings.TrimSpace(r.PostFormValue("url")),
		Goal:        strings.TrimSpace(r.PostFormValue("goal")),
		Steps:       r.PostFormValue("steps"),
		Checkpoints: r.PostFormValue("checkpoints"),
		Tags:        r.PostFormValue("tags"),
		Timeout:     strings.TrimSpace(r.PostFormValue("timeout")),
		Video:       r.PostFormValue("video"),
		Errors:      map[string]string{},
	}
}

// draft reads the form into a suite.Draft, which the App checks with the
// rules of the test file format; ok is false when a field could not even
// be read (the timeout is not a number).
func (f *testForm) draft() (suite.Draft, bool) {
	d := suite.Draft{Name: f.Name, URL: f.URL, Goal: f.Goal, Checkpoints: splitList(f.Checkpoints, false), Tags: splitList(f.Tags, true), Video: f.Video}
	f.stepLines = nil
	for i, line := range strings.Split(f.Steps, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.Steps = append(d.Steps, line)
			f.stepLines = append(f.stepLines, i+1)
		}
	}
	if f.Timeout != "" {
		n, err := strconv.Atoi(f.Timeout)
		if err != nil {
			f.Errors["timeout"] = "Use whole seconds, or leave empty for 10 minutes."
			return d, false
		}
		d.Timeout = time.Duration(n) * time.Second
	}
	return d, true
}

// showErrors puts the App's field errors beside the form's fields; a step's
// error names its line. It returns false for an error that is no answer
// about fields.
func (f *testForm) showErrors(err error) bool {
	e, ok := app.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return false
	}
	var steps []string
	rest := &app.Error{Code: e.Code, Detail: e.Detail}
	for _, fe := range e.Fields {
		var i int
		if _, scan := fmt.Sscanf(fe.Field, "steps[%d]", &i); scan == nil && i < len(f.stepLines) {
			steps = append(steps, fmt.Sprintf("line %d: %s", f.stepLines[i], fe.Message))
			continue
		}
		rest.Fields = append(rest.Fields, fe)
	}
	if len(steps) > 0 {
		f.Errors["steps"] = strings.Join(steps, "\n")
	}
	fieldErrors(rest, f.Errors, map[string]string{"timeout_seconds": "timeout"})
	return true
}
