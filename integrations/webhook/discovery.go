package webhook

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/store"
)

// DiscoveryData is the data of discovery.completed: a discovery of the
// project's application ended, with what it found (the map and the
// suggested tests are fetched from the API, not sent).
type DiscoveryData struct {
	DiscoveryID uuid.UUID `json:"discovery_id"`
	// Status is done, error or cancelled.
	Status string `json:"status"`
	// Summary says what was found, or why it ended in error.
	Summary        string     `json:"summary"`
	Pages          int        `json:"pages"`
	Forms          int        `json:"forms"`
	SuggestedTests int        `json:"suggested_tests"`
	DurationMS     *int64     `json:"duration_ms"`
	Project        ProjectRef `json:"project"`
	Links          Links      `json:"links"`
}

// NewDiscoveryCompleted describes an ended discovery.
func NewDiscoveryCompleted(publicURL string, p *store.Project, d *store.Discovery) Event[DiscoveryData] {
	base := strings.TrimRight(publicURL, "/")
	data := DiscoveryData{DiscoveryID: d.ID, Status: string(d.Status), Pages: d.Pages, Forms: d.Forms, SuggestedTests: d.SuggestedCount,
		Project: ProjectRef{ID: p.ID, Name: p.Name},
		Links:   Links{UI: base + "/discoveries/" + d.ID.String(), API: base + "/api/v1/discoveries/" + d.ID.String()}}
	if d.Status == store.DiscoveryError || d.Status == store.DiscoveryCancelled {
		data.Summary = d.Error
	} else {
		data.Summary = fmt.Sprintf("%d pages, %d forms, %d suggested tests", d.Pages, d.Forms, d.SuggestedCount)
	}
	if d.StartedAt != nil && d.FinishedAt != nil {
		ms := d.FinishedAt.Sub(*d.StartedAt).Milliseconds()
		data.DurationMS = &ms
	}
	return Event[DiscoveryData]{Type: TypeDiscoveryCompleted, Timestamp: finishedAt(d.FinishedAt), Data: data}
}

// DiscoveryFinished queues discovery.completed for an ended discovery.
// Projects without a webhook URL get nothing; calling it twice queues
// nothing new while the first job is kept (the webhook-id is derived from
// the discovery's id).
func (p *Publisher) DiscoveryFinished(ctx context.Context, st *store.Store, tenant, id uuid.UUID) error {
	d, err := st.GetDiscovery(ctx, tenant, id)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	if !d.Status.Final() {
		return fmt.Errorf("webhook discovery.completed: discovery %s is %s, not finished", d.ID, d.Status)
	}
	project, err := st.GetProject(ctx, tenant, d.ProjectID)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	if project.WebhookURL == "" {
		return nil
	}
	return pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
		return p.enqueue(ctx, tx, project, d.ID, NewDiscoveryCompleted(p.PublicURL, project, d))
	})
}
