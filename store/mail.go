package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/seal"
)

// sealedMail is what of a message is sealed: everything a reader sees
// except the recipient and arrival time.
type sealedMail struct {
	Subject string      `json:"subject"`
	From    string      `json:"from"`
	Preview string      `json:"preview"`
	Text    string      `json:"text"`
	Links   []mail.Link `json:"links,omitempty"`
	Codes   []string    `json:"codes,omitempty"`
}

// mailAAD binds a sealed message to its tenant, project and id.
func mailAAD(tenant, project, id uuid.UUID) []byte {
	return []byte("mail\x00" + tenant.String() + "\x00" + project.String() + "\x00" + id.String())
}

// ProjectMailLabel returns the label of a project's mailbox, giving the
// project one (from its name, plus four random characters so labels stay
// unique across tenants) the first time.
func (s *Store) ProjectMailLabel(ctx context.Context, tenant, project uuid.UUID) (string, error) {
	for range 5 {
		var label string
		err := s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
			var name string
			var have *string
			if err := tx.QueryRow(ctx, `SELECT name, mail_label FROM projects WHERE tenant_id = $1 AND id = $2`, tenant, project).Scan(&name, &have); err != nil {
				return err
			}
			if have != nil {
				label = *have
				return nil
			}
			label = mail.LabelFor(name) + "-" + mail.RandomSuffix(4)
			// Another call may have set it meanwhile: keep theirs.
			return tx.QueryRow(ctx, `UPDATE projects SET mail_label = COALESCE(mail_label, $3)
				WHERE tenant_id = $1 AND id = $2 RETURNING mail_label`, tenant, project, label).Scan(&label)
		})
		var se *Error
		if errors.As(err, &se) && se.Kind == ErrConflict {
			continue // the random label was taken: draw again
		}
		return label, wrap("project mail label", err)
	}
	return "", fmt.Errorf("project mail label: no free label after 5 draws")
}

// ResolveMailLabel finds the mailbox a label names, across tenants: the
// SMTP receiver knows only the recipient's address. Stored is the number
// of messages the mailbox holds.
func (s *Store) ResolveMailLabel(ctx context.Context, label string) (mail.Mailbox, error) {
	mb := mail.Mailbox{Label: label}
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT p.tenant_id, p.id,
			(SELECT count(*) FROM mail_messages m WHERE m.tenant_id = p.tenant_id AND m.project_id = p.id)
			FROM projects p WHERE p.mail_label = $1`, label).Scan(&mb.Tenant, &mb.Project, &mb.Stored)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return mail.Mailbox{}, mail.ErrNoMailbox
	}
	return mb, wrap("resolve mail label", err)
}

// DeliverMail keeps a received message, sealed, unless the project's
// mailbox already holds quota messages (mail.ErrQuota).
func (s *Store) DeliverMail(ctx context.Context, tenant, project uuid.UUID, quota int, m *mail.Message) error {
	kr, err := s.keyring()
	if err != nil {
		return err
	}
	if m.ID == uuid.Nil {
		m.ID = newID()
	}
	plain, err := json.Marshal(sealedMail{Subject: m.Subject, From: m.From, Preview: m.Preview, Text: m.Text, Links: m.Links, Codes: m.Codes})
	if err != nil {
		return fmt.Errorf("deliver mail: %w", err)
	}
	sealed, err := kr.Seal(plain, mailAAD(tenant, project, m.ID))
	if err != nil {
		return err
	}
	var inserted bool
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		// Serialise deliveries to one mailbox so the quota holds under
		// concurrent sessions.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenant, project); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO mail_messages (id, tenant_id, project_id, recipient, received_at, size_bytes, ciphertext, nonce, key_id)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
			WHERE EXISTS (SELECT 1 FROM projects WHERE tenant_id = $2 AND id = $3)
			  AND (SELECT count(*) FROM mail_messages WHERE tenant_id = $2 AND project_id = $3) < $10`,
			m.ID, tenant, project, m.To, m.Received, m.Size, sealed.Ciphertext, sealed.Nonce, sealed.KeyID, quota)
		if err != nil {
			return err
		}
		inserted = tag.RowsAffected() == 1
		if !inserted {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2)`, tenant, project).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return pgx.ErrNoRows
			}
		}
		return nil
	})
	if err != nil {
		return wrap("deliver mail", err)
	}
	if !inserted {
		return mail.ErrQuota
	}
	return nil
}

// mailScanLimit bounds how many of a mailbox's newest messages one find
// opens; the subject is sealed, so it is matched after opening.
const mailScanLimit = 200

// FindMail returns a project's messages matching q, newest first, at most
// q.EffectiveLimit().
func (s *Store) FindMail(ctx context.Context, tenant, project uuid.UUID, q mail.Query) ([]mail.Message, error) {
	since := q.Since
	if since.IsZero() {
		since = time.Unix(0, 0)
	}
	var to *string
	if q.To != "" {
		to = &q.To
	}
	all, err := s.openMail(ctx, tenant, project, `SELECT id, recipient, received_at, size_bytes, key_id, nonce, ciphertext FROM mail_messages
		WHERE tenant_id = $1 AND project_id = $2 AND ($3::citext IS NULL OR recipient = $3) AND received_at >= $4
		ORDER BY received_at DESC, id DESC LIMIT $5`, tenant, project, to, since, mailScanLimit)
	if err != nil {
		return nil, wrap("find mail", err)
	}
	var out []mail.Message
	for i := range all {
		if q.Matches(&all[i]) {
			out = append(out, all[i])
			if len(out) == q.EffectiveLimit() {
				break
			}
		}
	}
	return out, nil
}

// ListMail returns a project's newest messages, at most limit (1 to 100).
func (s *Store) ListMail(ctx context.Context, tenant, project uuid.UUID, limit int) ([]mail.Message, error) {
	limit = min(max(limit, 1), 100)
	out, err := s.openMail(ctx, tenant, project, `SELECT id, recipient, received_at, size_bytes, key_id, nonce, ciphertext FROM mail_messages
		WHERE tenant_id = $1 AND project_id = $2 ORDER BY received_at DESC, id DESC LIMIT $3`, tenant, project, limit)
	return out, wrap("list mail", err)
}

// GetMail returns one message of a project.
func (s *Store) GetMail(ctx context.Context, tenant, project, id uuid.UUID) (*mail.Message, error) {
	out, err := s.openMail(ctx, tenant, project, `SELECT id, recipient, received_at, size_bytes, key_id, nonce, ciphertext FROM mail_messages
		WHERE tenant_id = $1 AND project_id = $2 AND id = $3`, tenant, project, id)
	if err == nil && len(out) == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return nil, wrap("get mail", err)
	}
	return &out[0], nil
}

func (s *Store) openMail(ctx context.Context, tenant, project uuid.UUID, query string, args ...any) ([]mail.Message, error) {
	kr, err := s.keyring()
	if err != nil {
		return nil, err
	}
	type row struct {
		m mail.Message
		seal.Sealed
	}
	var rows []row
	err = s.InTenant(ctx, tenant, func(tx pgx.Tx) error {
		r, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		rows, err = pgx.CollectRows(r, func(r pgx.CollectableRow) (row, error) {
			var x row
			err := r.Scan(&x.m.ID, &x.m.To, &x.m.Received, &x.m.Size, &x.KeyID, &x.Nonce, &x.Ciphertext)
			return x, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]mail.Message, 0, len(rows))
	for _, r := range rows {
		plain, err := kr.Open(r.Sealed, mailAAD(tenant, project, r.m.ID))
		if err != nil {
			return nil, fmt.Errorf("open mail %s: %w", r.m.ID, err)
		}
		var sm sealedMail
		if err := json.Unmarshal(plain, &sm); err != nil {
			return nil, fmt.Errorf("open mail %s: %w", r.m.ID, err)
		}
		m := r.m
		m.Subject, m.From, m.Preview, m.Text, m.Links, m.Codes = sm.Subject, sm.From, sm.Preview, sm.Text, sm.Links, sm.Codes
		out = append(out, m)
	}
	return out, nil
}

// PurgeMail deletes every tenant's mail received before cutoff
// (ARGUS_MAIL_RETENTION ago); the purge job calls it.
func (s *Store) PurgeMail(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.inSystem(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM mail_messages WHERE received_at < $1`, cutoff)
		n = tag.RowsAffected()
		return err
	})
	return n, wrap("purge mail", err)
}

// MailStore is the receiver's mail.Store on the database.
type MailStore struct{ S *Store }

// Resolve implements mail.Store.
func (m MailStore) Resolve(ctx context.Context, label string) (mail.Mailbox, error) {
	return m.S.ResolveMailLabel(ctx, label)
}

// Deliver implements mail.Store.
func (m MailStore) Deliver(ctx context.Context, mb mail.Mailbox, quota int, msg *mail.Message) error {
	return m.S.DeliverMail(ctx, mb.Tenant, mb.Project, quota, msg)
}

// MailReader reads one project's mailbox (an agent's read_email).
func (s *Store) MailReader(tenant, project uuid.UUID) mail.Reader {
	return mailReader{s: s, tenant: tenant, project: project}
}

type mailReader struct {
	s               *Store
	tenant, project uuid.UUID
}

func (r mailReader) Find(ctx context.Context, q mail.Query) ([]mail.Message, error) {
	return r.s.FindMail(ctx, r.tenant, r.project, q)
}
