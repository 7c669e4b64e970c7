package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/store"
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
	out := &api.MailList{Domain: domain, Items: make([]api.MailMessage, 0, len(msgs))}
	for i := range msgs {
		out.Items = append(out.Items, MailView(&msgs[i]))
	}
	box, recent, err := a.m365Mail(ctx, p.TenantID, project)
	out.M365Mailbox = box
	if err != nil {
		// The built-in mailbox is still worth showing; the list says
		// why the Microsoft 365 mail is missing.
		out.M365Error = strings.TrimPrefix(err.Error(), "m365: ")
	}
	for i := range recent {
		out.Items = append(out.Items, m365MailView(&recent[i]))
	}
	slices.SortStableFunc(out.Items, func(x, y api.MailMessage) int { return y.ReceivedAt.Compare(x.ReceivedAt) })
	if len(out.Items) > n {
		out.Items = out.Items[:n]
	}
	return out, nil
}

// m365ReadTimeout bounds one read of a Microsoft 365 mailbox for the Mail
// list, so a slow Graph does not hold the page.
const m365ReadTimeout = 15 * time.Second

// m365Mail reads the recent mail of the project's Microsoft 365 mailbox
// as the agents do: Graph's window (the last 10 minutes, at most 5
// messages), subject, sender, recipient, time, preview, links and codes,
// the body dropped. Nothing of it is stored: the list reads it again each
// time. box is "" when the project has no Microsoft 365 mailbox; err says
// why a connected one could not be read.
func (a *App) m365Mail(ctx context.Context, tenant, project uuid.UUID) (box string, msgs []mail.Message, err error) {
	in, err := a.store.GetIntegration(ctx, tenant, store.IntegrationM365, &project)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	s := m365.SettingsOf(in.Config)
	creds, err := a.m365Credentials(ctx, tenant, project)
	if errors.Is(err, store.ErrNoKeyring) {
		return s.Mailbox, nil, errors.New("this server has no ARGUS_SECRET_KEY to open the mailbox's credentials")
	}
	if err != nil {
		return s.Mailbox, nil, err
	}
	c, err := s.Open(a.cfg.M365, creds, func(rotated m365.Credentials) {
		// Microsoft replaced the refresh token: keep the new one, or the
		// next read signs in with one that no longer works.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := a.store.PutIntegration(wctx, tenant, store.IntegrationInput{ProjectID: &project, Kind: store.IntegrationM365,
			Config: in.Config, Token: rotated.Seal()}); err != nil {
			a.cfg.Logger.Error("storing Microsoft 365's new refresh token", "project", project, "error", err)
		}
	})
	if err != nil {
		return s.Mailbox, nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, m365ReadTimeout)
	defer cancel()
	msgs, err = c.Messages(rctx, m365.Query{})
	if err != nil {
		a.cfg.Logger.Warn("reading the Microsoft 365 mailbox for the Mail list", "tenant", tenant, "project", project, "error", err)
		return s.Mailbox, nil, err
	}
	return s.Mailbox, msgs, nil
}

// m365MailView is a Microsoft 365 message as the API shows it: no text,
// which is never kept.
func m365MailView(m *mail.Message) api.MailMessage {
	v := MailView(m)
	v.Source, v.Text = api.MailSourceM365, ""
	return v
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
	if errors.Is(err, store.ErrNotFound) {
		// Perhaps a message of the Microsoft 365 mailbox, read again: it
		// is there while it is in Graph's window.
		_, recent, rerr := a.m365Mail(ctx, p.TenantID, project)
		for i := range recent {
			if recent[i].ID == id {
				v := m365MailView(&recent[i])
				return &v, nil
			}
		}
		if rerr != nil && !errors.Is(rerr, m365.ErrNotSignedIn) {
			return nil, &Error{Code: CodeUnavailable, Detail: "the message is not in the test mailbox, and the Microsoft 365 mailbox could not be read: " +
				strings.TrimPrefix(rerr.Error(), "m365: ")}
		}
		return nil, notFound("no such message in this project's mailbox (Microsoft 365 mail shows for 10 minutes after it arrived)")
	}
	if err != nil {
		return nil, err
	}
	v := MailView(m)
	return &v, nil
}

// MailView is a message as the API shows it.
func MailView(m *mail.Message) api.MailMessage {
	v := api.MailMessage{ID: m.ID, Source: api.MailSourceBuiltin, To: m.To, From: m.From, Subject: m.Subject, ReceivedAt: m.Received, SizeBytes: m.Size,
		Preview: m.Preview, Text: m.Text, Links: []api.MailLink{}, Codes: nonNil(m.Codes)}
	for _, l := range m.Links {
		v.Links = append(v.Links, api.MailLink{Text: l.Text, URL: l.URL})
	}
	return v
}
