package jobs

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// inbox is the mailbox of an agent: for a test that uses email, a fresh
// address in its project's mailbox (or, for a test run as a persona whose
// address is in that mailbox, the persona's own address), read from the
// database where the SMTP receiver — in whichever process runs it — keeps
// the project's mail. Nil when the test reads no mail.
func (j *Jobs) inbox(ctx context.Context, tenant uuid.UUID, p *store.Project, t *suite.Test, persona *store.Persona) (*agent.Inbox, error) {
	personal := persona != nil && persona.Email != ""
	if !t.UsesEmail() && !personal {
		return nil, nil
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
