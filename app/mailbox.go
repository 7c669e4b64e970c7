package app

import (
	"context"
	"strconv"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/mail"
)

// Bounds of a mailbox listing.
const (
	DefaultMailLimit = 50
	MaxMailLimit     = 100
)

// ProjectMail returns the newest messages of a project's test mailbox
// (limit "" means DefaultMailLimit, at most MaxMailLimit), opened: mail is
// kept ARGUS_MAIL_RETENTION, so the list is short.
func (a *App) ProjectMail(ctx context.Context, p *Principal, project uuid.UUID, limit string) ([]api.MailMessage, error) {
	n := DefaultMailLimit
	if limit != "" {
		v, err := strconv.Atoi(limit)
		if err != nil || v < 1 || v > MaxMailLimit {
			return nil, invalid("limit out of range", FieldError{Field: "limit", Message: "limit must be a whole number from 1 to " + strconv.Itoa(MaxMailLimit)})
		}
		n = v
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	msgs, err := a.store.ListMail(ctx, p.TenantID, project, n)
	if err != nil {
		return nil, err
	}
	out := make([]api.MailMessage, len(msgs))
	for i := range msgs {
		out[i] = MailView(&msgs[i])
	}
	return out, nil
}

// MailView is a message as the API shows it.
func MailView(m *mail.Message) api.MailMessage {
	v := api.MailMessage{ID: m.ID, To: m.To, From: m.From, Subject: m.Subject, ReceivedAt: m.Received, SizeBytes: m.Size,
		Preview: m.Preview, Text: m.Text, Links: []api.MailLink{}, Codes: nonNil(m.Codes)}
	for _, l := range m.Links {
		v.Links = append(v.Links, api.MailLink{Text: l.Text, URL: l.URL})
	}
	return v
}
