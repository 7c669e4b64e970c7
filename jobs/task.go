package jobs

import (
	"fmt"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/internal/totp"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// suiteTest turns a stored test into the suite's form, parsing its steps
// with the step language, so the agent gets the same Task — and the same
// content hash, which keys replays — as `argus run` would from a file.
func suiteTest(t *store.Test) (*suite.Test, error) {
	st := &suite.Test{
		Name: t.Name, URL: t.StartURL, Goal: t.Goal, Checkpoints: t.Checkpoints,
		Tags: t.Tags, Timeout: t.Timeout, Persona: t.Persona, Role: t.Role,
	}
	if st.URL == "" {
		st.URL = suite.DefaultURL
	}
	if st.Timeout == 0 {
		st.Timeout = suite.DefaultTimeout
	}
	for i, src := range t.Steps {
		step, err := suite.ParseStep(src)
		if err != nil {
			return nil, fmt.Errorf("step %d %q: %w", i+1, src, err)
		}
		if step.Verb == suite.VerbUpload {
			// A worker must not hand its own files to a page; uploads
			// need files stored with the test, which the server does not
			// keep yet.
			return nil, fmt.Errorf("step %d %q: uploads are not supported for tests run by the server yet", i+1, src)
		}
		st.Steps = append(st.Steps, step)
	}
	return st, nil
}

// buildTask makes the agent's task from a stored test, its project's base
// URL and secrets, and its saved replay (used only when it was recorded
// from the test as it is now).
func buildTask(t *suite.Test, baseURL string, secrets map[string]string, saved *store.Replay) (agent.Task, error) {
	task, err := agent.TaskFromTest(t, baseURL, "", secrets)
	if err != nil {
		return agent.Task{}, err
	}
	if saved != nil && saved.Key == task.Key {
		r, err := agent.UnmarshalReplay(saved.Data)
		if err == nil && r.Key == task.Key {
			task.Replay = r
		}
	}
	return task, nil
}

// personaOf is the agent's view of a stored persona, checked against the
// opened secrets: a TOTP secret must still hold a seed when the agent
// starts (it may have been replaced since the persona was saved).
func personaOf(p *store.Persona, secrets map[string]string) (*agent.Persona, error) {
	if p.TOTPSecret != "" {
		if _, err := totp.Parse(secrets[p.TOTPSecret]); err != nil {
			return nil, fmt.Errorf("persona %q: secret %q does not hold a TOTP seed: %w", p.Name, p.TOTPSecret, err)
		}
	}
	return &agent.Persona{Name: p.Name, DisplayName: p.DisplayName, Email: p.Email, Username: p.Username,
		PasswordSecret: p.PasswordSecret, TOTPSecret: p.TOTPSecret, Locale: p.Locale, Timezone: p.Timezone, UserAgent: p.UserAgent}, nil
}
