package github

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// StoreSource reads outcomes from the store: the agent, its run, its last
// attempt's steps, and the project's GitHub integration
// (store.IntegrationGitHub with the project's id; its Config is a Target,
// see TargetFromConfig).
type StoreSource struct {
	Store *store.Store
	// PublicURL is the server's external base URL (ARGUS_PUBLIC_URL), for
	// the links in issues. Pages behind it require a login, so a link in
	// a public repository shows nothing to strangers.
	PublicURL string
}

var _ Source = StoreSource{}

// Outcome implements Source.
func (s StoreSource) Outcome(ctx context.Context, tenant, agentID uuid.UUID) (Outcome, bool, error) {
	a, err := s.Store.GetAgent(ctx, tenant, agentID)
	if err != nil {
		return Outcome{}, false, fmt.Errorf("github: %w", err)
	}
	run, err := s.Store.GetRun(ctx, tenant, a.RunID)
	if err != nil {
		return Outcome{}, false, fmt.Errorf("github: %w", err)
	}
	in, err := s.Store.GetIntegration(ctx, tenant, store.IntegrationGitHub, &run.ProjectID)
	if errors.Is(err, store.ErrNotFound) {
		return Outcome{}, false, nil
	}
	if err != nil {
		return Outcome{}, false, fmt.Errorf("github: %w", err)
	}
	target, err := TargetFromConfig(in.Config)
	if err != nil {
		return Outcome{}, false, err
	}
	steps, err := s.Store.ListSteps(ctx, tenant, agentID)
	if err != nil {
		return Outcome{}, false, fmt.Errorf("github: %w", err)
	}
	o := Outcome{
		Target:   target,
		TestID:   testID(a),
		TestName: a.TestName,
		AgentID:  a.ID.String(),
		Status:   Status(a.Status),
		Summary:  a.Summary,
		Commit:   run.CommitSHA,
		Branch:   run.Branch,
		RunURL:   s.link("runs", run.ID.String()),
		AgentURL: s.link("agents", a.ID.String()),
	}
	if o.Summary == "" {
		o.Summary = a.ErrorReason
	}
	if st := failingStep(steps); st != nil {
		o.FailingStep = describeStep(*st)
		if st.ScreenshotKey != "" {
			o.ScreenshotURL = s.link("agents", a.ID.String(), "screenshots", fmt.Sprint(st.Attempt), fmt.Sprint(st.Index))
		} else if shot := lastScreenshot(steps, st.Attempt); shot != nil {
			o.ScreenshotURL = s.link("agents", a.ID.String(), "screenshots", fmt.Sprint(shot.Attempt), fmt.Sprint(shot.Index))
		}
	}
	return o, true, nil
}

func (s StoreSource) link(segs ...string) string {
	if s.PublicURL == "" {
		return ""
	}
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.TrimRight(s.PublicURL, "/") + "/" + strings.Join(segs, "/")
}

// testID is what ties failures of one test together: the test's id, or for
// an ad-hoc agent without a stored test, a hash of its name.
func testID(a *store.Agent) string {
	if a.TestID != nil {
		return a.TestID.String()
	}
	sum := sha256.Sum256([]byte(a.TestName))
	return "name-" + hex.EncodeToString(sum[:8])
}

// failingStep is the last step of the last attempt that did something; the
// verdict itself ("finish") says nothing about where the test went wrong.
func failingStep(steps []store.Step) *store.Step {
	if len(steps) == 0 {
		return nil
	}
	last := steps[len(steps)-1].Attempt
	for i := len(steps) - 1; i >= 0 && steps[i].Attempt == last; i-- {
		if steps[i].Action != "finish" {
			return &steps[i]
		}
	}
	return nil
}

func lastScreenshot(steps []store.Step, attempt int) *store.Step {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Attempt == attempt && steps[i].ScreenshotKey != "" {
			return &steps[i]
		}
	}
	return nil
}

func describeStep(st store.Step) string {
	s := fmt.Sprintf("%d. %s", st.Index+1, st.Action)
	if len(st.Args) > 0 {
		var parts []string
		for _, k := range sortedKeys(st.Args) {
			parts = append(parts, fmt.Sprintf("%s=%v", k, st.Args[k]))
		}
		s += " " + strings.Join(parts, " ")
	}
	if st.Outcome != "" {
		s += "\n→ " + st.Outcome
	}
	if st.URL != "" {
		s += "\nat " + st.URL
	}
	return s
}
