package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// LocalRun is a run that happened in another process — `argus demo
// --serve` runs the demo suite in-process, then shows that very run in
// the web UI — to be recorded in a project as it was.
type LocalRun struct {
	Project uuid.UUID
	Agents  []LocalAgent
}

// LocalAgent is one finished agent of a LocalRun: the agent's row with its
// steps, each with its screenshot's bytes (nil when none was taken). All
// text must already be redacted, as the agent loop records it.
type LocalAgent struct {
	store.RecordedAgent
	Screenshots map[int][]byte
}

// MaxLocalAgents bounds one recorded run, as MaxRunTests bounds a started
// one.
const MaxLocalAgents = MaxRunTests

// RecordLocalRun stores a finished local run in one of the tenant's
// projects: the screenshots in blob storage under the agents' keys, then
// the run, its agents and their steps in one transaction (trigger local).
// Each agent's test must be one of the project's, by name.
func (a *App) RecordLocalRun(ctx context.Context, p *Principal, in LocalRun) (*store.Run, error) {
	if len(in.Agents) == 0 || len(in.Agents) > MaxLocalAgents {
		return nil, invalid(fmt.Sprintf("record 1 to %d agents", MaxLocalAgents), FieldError{"agents", "wrong count"})
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, in.Project); err != nil {
		return nil, err
	}
	rec := store.RecordedRun{ProjectID: in.Project, CreatedByUser: p.UserID}
	for _, ag := range in.Agents {
		r := ag.RecordedAgent
		r.ID = uuid.Must(uuid.NewV7())
		r.Steps = append([]store.Step(nil), r.Steps...)
		for i := range r.Steps {
			st := &r.Steps[i]
			st.AgentID, st.Attempt = r.ID, 1
			shot := ag.Screenshots[st.Index]
			if len(shot) == 0 {
				continue
			}
			ctype := http.DetectContentType(shot)
			key := storage.ScreenshotKey(p.TenantID.String(), r.ID.String(), 1, st.Index)
			if ctype == "image/jpeg" {
				key = strings.TrimSuffix(key, ".png") + ".jpg"
			}
			if err := a.cfg.Blobs.Put(ctx, key, shot, ctype); err != nil {
				return nil, fmt.Errorf("store the screenshot of %q step %d: %w", r.TestName, st.Index, err)
			}
			st.ScreenshotKey = key
		}
		rec.Agents = append(rec.Agents, r)
	}
	run, err := a.store.RecordRun(ctx, p.TenantID, rec)
	if err != nil {
		// Nothing refers to the screenshots of a run that was not stored.
		for _, r := range rec.Agents {
			_ = a.cfg.Blobs.DeletePrefix(context.WithoutCancel(ctx), storage.AgentPrefix(p.TenantID.String(), r.ID.String()))
		}
		return nil, err
	}
	return run, nil
}
