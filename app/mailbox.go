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

// ProjectMail returns the project's test mailbox — its domain and its
// newest messages (limit "" means DefaultMailLimit, at most
// MaxMailLimit), opened: mail is kept ARGUS_MAIL_RETENTION, so the list
// is short. Only members of the project's tenant get here: the project is
// looked up in the caller's tenant, and the messages are opened under it.
func (a *App) ProjectMail(ctx context.Context, p *Principal, project uuid.UUID, limit string) (*api.MailList, error) {
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
	domain, err := a.mailDomain(ctx, p.TenantID, project)
	if err != nil {
		return nil, err
	}
	msgs, err := a.store.ListMail(ctx, p.TenantID, project, n)
	if err != nil {
		return nil, err
	}
	out := &api.MailList{Domain: domain, Items: make([]api.MailMessage, len(msgs))}
	for i := range msgs {
		out.Items[i] = MailView(&msgs[i])
	}
	return out, nil
}

// ProjectMailDomain is the domain of a project's test mailbox: mail to
// any address @ it lands there (a persona's address in it is the
// persona's own mailbox).
func (a *App) ProjectMailDomain(ctx context.Context, p *Principal, project uuid.UUID) (string, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return "", err
	}
	return a.mailDomain(ctx, p.TenantID, project)
}

func (a *App) mailDomain(ctx context.Context, tenant, project uuid.UUID) (string, error) {
	label, err := a.store.ProjectMailLabel(ctx, tenant, project)
	if err != nil {
		return "", err
	}
	return label + "." + a.cfg.MailDomain, nil
}

// ProjectMailMessage opens one message of the project's test mailbox.
func (a *App) ProjectMailMessage(ctx context.Context, p *Principal, project uuid.UUID, message string) (*api.MailMessage, error) {
	id, err := uuid.Parse(message)
	if err != nil {
		return nil, notFound("no such message in this project's mailbox")
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	m, err := a.store.GetMail(ctx, p.TenantID, project, id)
	if err != nil {
		return nil, err
	}
	v := MailView(m)
	return &v, nil
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
