package server

import (
	"fmt"
	"time"

	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

type testRequest struct {
	Name           string   `json:"name"`
	URL            string   `json:"url"`
	Goal           string   `json:"goal"`
	Steps          []string `json:"steps"`
	Checkpoints    []string `json:"checkpoints"`
	Tags           []string `json:"tags"`
	TimeoutSeconds int      `json:"timeout_seconds"`
}

// maxTestTimeout matches the store's bound on a test's timeout.
const maxTestTimeout = 24 * time.Hour

// input checks a test as the test-file format would and converts it; steps
// are parsed with the step language so a typo is caught here, not when an
// agent runs.
func (t *testRequest) input() (store.TestInput, error) {
	var fields []FieldError
	if t.URL != "" {
		if err := suite.CheckURL(t.URL); err != nil {
			fields = append(fields, FieldError{"url", err.Error()})
		}
	}
	steps := make([]string, len(t.Steps))
	for i, src := range t.Steps {
		st, err := suite.ParseStep(src)
		if err != nil {
			fields = append(fields, FieldError{fmt.Sprintf("steps[%d]", i), err.Error()})
			continue
		}
		steps[i] = st.String()
	}
	if t.TimeoutSeconds < 0 || time.Duration(t.TimeoutSeconds)*time.Second > maxTestTimeout {
		fields = append(fields, FieldError{"timeout_seconds", "must be between 1 and 86400 (0 for the default)"})
	}
	if len(fields) > 0 {
		return store.TestInput{}, invalid("the test is not valid", fields...)
	}
	return store.TestInput{Name: t.Name, StartURL: t.URL, Goal: t.Goal, Steps: steps, Checkpoints: t.Checkpoints,
		Tags: t.Tags, Timeout: time.Duration(t.TimeoutSeconds) * time.Second}, nil
}
