package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// maxTestTimeout matches the store's and the API's bound on a test.
const maxTestTimeout = 24 * time.Hour

// testForm is the test editor's content as typed, with a message per field
// that is wrong.
type testForm struct {
	Name, URL, Goal, Steps, Checkpoints, Tags, Timeout string
	Errors                                             map[string]string
}

func formFromTest(t *store.Test) testForm {
	f := testForm{Name: t.Name, URL: t.StartURL, Goal: t.Goal, Steps: strings.Join(t.Steps, "\n"),
		Checkpoints: strings.Join(t.Checkpoints, "\n"), Tags: strings.Join(t.Tags, ", ")}
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
	}
}

// input checks the form with the rules of the test-file format — the URL
// with suite.CheckURL and every step with suite.ParseStep, the parser the
// CLI uses — and converts it. Steps are stored in canonical form.
func (f *testForm) input() (store.TestInput, bool) {
	f.Errors = map[string]string{}
	if f.Name == "" {
		f.Errors["name"] = "Give the test a name; it identifies the test in runs and reports."
	}
	if f.URL != "" {
		if err := suite.CheckURL(f.URL); err != nil {
			f.Errors["url"] = err.Error()
		}
	}
	var steps, msgs []string
	for i, line := range strings.Split(f.Steps, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		st, err := suite.ParseStep(line)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("line %d: %v", i+1, err))
			continue
		}
		steps = append(steps, st.String())
	}
	if len(msgs) > 0 {
		f.Errors["steps"] = strings.Join(msgs, "\n")
	}
	checkpoints := splitList(f.Checkpoints, false)
	if f.Goal == "" && len(steps) == 0 && len(msgs) == 0 {
		f.Errors["goal"] = "Write a goal in plain language, explicit steps, or both."
	}
	if len(checkpoints) > 0 && f.Goal == "" {
		f.Errors["checkpoints"] = "Checkpoints need a goal: the model looks for evidence of them while pursuing it."
	}
	var timeout time.Duration
	if f.Timeout != "" {
		n, err := strconv.Atoi(f.Timeout)
		if err != nil || n < 1 || time.Duration(n)*time.Second > maxTestTimeout {
			f.Errors["timeout"] = "Use whole seconds between 1 and 86400, or leave empty for 10 minutes."
		} else {
			timeout = time.Duration(n) * time.Second
		}
	}
	if len(f.Errors) > 0 {
		return store.TestInput{}, false
	}
	return store.TestInput{Name: f.Name, StartURL: f.URL, Goal: f.Goal, Steps: steps, Checkpoints: checkpoints,
		Tags: splitList(f.Tags, true), Timeout: timeout}, true
}
