package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// inbox is the mailbox of an agent: for a test that uses email (or has a
// goal for the model), a fresh
// address in its project's mailbox (or, for a test run as a persona whose
// address is in that mailbox, the persona's own address), read from the
// database where the SMTP receiver — in whichever process runs it — keeps
// the project's mail. Nil when the test reads no mail.
func (j *Jobs) inbox(ctx context.Context, tenant uuid.UUID, p *store.Project, t *suite.Test, persona *store.Persona) (*agent.Inbox, error) {
	personal := persona != nil && persona.Email != ""
	// A goal is carried out by the model, which may need to read mail the
	// goal only describes ("check the welcome mail arrives"): on a server
	// the mailbox costs nothing until it is read, so it gets one too.
	if !t.UsesEmail() && !personal && t.Goal == "" {
		return nil, nil
	}
	if box, ok, err := j.m365Inbox(ctx, tenant, p, t, persona); ok || err != nil {
		var se *setupError
		if errors.As(err, &se) && !t.UsesEmail() {
			// The mailbox cannot be read, and the test does not say it
			// reads mail: run it without one rather than not at all.
			return nil, nil
		}
		return box, err
	}
	label, err := j.cfg.Store.ProjectMailLabel(ctx, tenant, p.ID)
	if err != nil {
		return nil, err
	}
	reader := j.cfg.Store.MailReader(tenant, p.ID)
	if personal {
		_, got, ok := mail.SplitAddress(persona.Email, j.cfg.MailDomain)
		if ok && got == label {
			return &agent.Inbox{Address: persona.Email, Reader: reader}, nil
		}
		if t.UsesEmail() {
			// The persona's address is where the application sends its
			// mail; a fresh address instead would not be the persona.
			return nil, &setupError{ReasonSetup, fmt.Sprintf(
				"the test reads the mail of persona %q, whose address %s is not in project %q's test mailbox: give the persona an address ending in @%s.%s",
				persona.Name, persona.Email, p.Name, label, j.cfg.MailDomain)}
		}
		return nil, nil // the persona's address is elsewhere, and the test reads no mail
	}
	return &agent.Inbox{Address: mail.NewAddress(mail.AddressPrefix(t.Name), label, j.cfg.MailDomain), Reader: reader}, nil
}

// m365Poll is how often an agent waiting for mail asks Graph again: well
// within Graph's limit of 10,000 requests per 10 minutes per mailbox with
// several agents waiting at once.
const m365Poll = 2 * time.Second

// m365Inbox is the mailbox of an agent whose project reads its mail from
// Microsoft 365 (ok false when it does not): the connected mailbox's
// address, with plus addressing a fresh local+tag@ address of it, or the
// persona's own address — app-only access reads the persona's own
// mailbox, delegated access the signed-in one's mail to that address.
// Graph is asked for the last 10 minutes, at most 5 messages; nothing of
// them is stored.
func (j *Jobs) m365Inbox(ctx context.Context, tenant uuid.UUID, p *store.Project, t *suite.Test, persona *store.Persona) (*agent.Inbox, bool, error) {
	in, err := j.cfg.Store.GetIntegration(ctx, tenant, store.IntegrationM365, &p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	s := m365.SettingsOf(in.Config)
	tok, err := j.cfg.Store.IntegrationToken(ctx, tenant, store.IntegrationM365, &p.ID)
	if errors.Is(err, store.ErrNoKeyring) {
		return nil, true, &setupError{ReasonSetup, "the test reads mail from Microsoft 365 and this worker has no ARGUS_SECRET_KEY to open its credentials"}
	}
	if err != nil {
		return nil, true, err
	}
	creds, err := m365.OpenCredentials(tok)
	if err != nil {
		return nil, true, err
	}
	address := s.Address(mail.AddressPrefix(t.Name) + "-" + mail.RandomSuffix(5))
	if persona != nil && persona.Email != "" {
		address = persona.Email
		if s.Mode == m365.ModeAppOnly {
			s.Mailbox = persona.Email
		}
	}
	project := p.ID
	c, err := s.Open(j.cfg.M365, creds, func(rotated m365.Credentials) {
		// Microsoft replaced the refresh token: keep the new one, or the
		// next agent signs in with one that no longer works.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := j.cfg.Store.PutIntegration(wctx, tenant, store.IntegrationInput{ProjectID: &project, Kind: store.IntegrationM365,
			Config: in.Config, Token: rotated.Seal()}); err != nil {
			j.cfg.Logger.Error("storing Microsoft 365's new refresh token", "project", project, "error", err)
		}
	})
	if errors.Is(err, m365.ErrNotSignedIn) {
		return nil, true, &setupError{ReasonSetup, fmt.Sprintf("project %q reads mail from Microsoft 365 with delegated access, and nobody has signed in yet: sign in on the project's Mail page", p.Name)}
	}
	if err != nil {
		return nil, true, &setupError{ReasonSetup, "the project's Microsoft 365 mailbox cannot be used: " + err.Error()}
	}
	return &agent.Inbox{Address: address, Reader: m365.Reader{Client: c}, Poll: m365Poll}, true, nil
}
