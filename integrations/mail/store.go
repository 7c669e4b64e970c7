package mail

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Mailbox is one project's catch-all mailbox.
type Mailbox struct {
	Tenant, Project uuid.UUID
	Label           string
	// Stored is how many messages it holds now (for the quota check at
	// RCPT TO; Store.Deliver enforces the quota again).
	Stored int
}

// Store keeps received messages.
type Store interface {
	// Resolve finds the mailbox a label names; ErrNoMailbox when none.
	Resolve(ctx context.Context, label string) (Mailbox, error)
	// Deliver keeps m in mb unless mb already holds quota messages
	// (ErrQuota).
	Deliver(ctx context.Context, mb Mailbox, quota int, m *Message) error
}

// Reader reads one mailbox.
type Reader interface {
	// Find returns the messages that match q, newest first, at most
	// q.Limit (default and maximum MaxFind).
	Find(ctx context.Context, q Query) ([]Message, error)
}

// Query selects messages of a mailbox.
type Query struct {
	// To is the exact recipient; empty means every address of the mailbox.
	To string
	// SubjectContains matches case-insensitively; empty matches all.
	SubjectContains string
	// Since drops messages received before it; zero keeps all.
	Since time.Time
	// Limit is at most MaxFind; 0 means MaxFind.
	Limit int
}

// MaxFind is the most messages one Find returns.
const MaxFind = 5

// Errors of a Store.
var (
	ErrNoMailbox = errors.New("no such mailbox")
	ErrQuota     = errors.New("mailbox quota reached")
)
