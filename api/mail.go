package api

import (
	"time"

	"github.com/google/uuid"
)

// Mail sources: where a message of a project's Mail list was read.
const (
	// MailSourceBuiltin is Argus's own SMTP receiver (the test mailbox).
	MailSourceBuiltin = "builtin"
	// MailSourceM365 is the project's Microsoft 365 mailbox, read
	// through Graph when listed and never stored.
	MailSourceM365 = "m365"
)

// MailMessage is one message of a project's test mailbox.
type MailMessage struct {
	ID uuid.UUID `json:"id"`
	// Source is MailSourceBuiltin or MailSourceM365.
	Source     string     `json:"source"`
	To         string     `json:"to"`
	From       string     `json:"from"`
	Subject    string     `json:"subject"`
	ReceivedAt time.Time  `json:"received_at"`
	SizeBytes  int        `json:"size_bytes"`
	Preview    string     `json:"preview"`
	Text       string     `json:"text"`
	Links      []MailLink `json:"links"`
	Codes      []string   `json:"codes"`
}

// MailLink is a link of a message and the text it is shown with.
type MailLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// MailList is a project's test mailbox: its domain (mail to any address
// @Domain lands here) and its newest messages.
type MailList struct {
	Domain string        `json:"domain"`
	Items  []MailMessage `json:"items"`
	// M365Mailbox is the connected Microsoft 365 mailbox whose recent
	// mail (Graph's window: the last 10 minutes, at most 5 messages) is
	// among Items; "" when none is connected.
	M365Mailbox string `json:"m365_mailbox,omitempty"`
	// M365Error says why that mailbox could not be read this time (its
	// messages are then missing from Items).
	M365Error string `json:"m365_error,omitempty"`
}

// M365Connection is a project's Microsoft 365 mailbox, which its tests
// read mail from instead of the built-in test mailbox while it is
// connected. No secret is shown.
type M365Connection struct {
	Mode           string `json:"mode"`
	TenantID       string `json:"tenant_id"`
	ClientID       string `json:"client_id"`
	Mailbox        string `json:"mailbox"`
	PlusAddressing bool   `json:"plus_addressing"`
	// Connected: app-only with a client secret, or delegated after a
	// person signed in. Until then tests that read mail end in error.
	Connected bool `json:"connected"`
	// RedirectURL is Argus's callback, to register with the app for
	// delegated sign-in.
	RedirectURL string    `json:"redirect_url"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// M365Put connects a project to a Microsoft 365 mailbox. An empty
// ClientSecret keeps the stored one (and a delegated sign-in) when the
// mode, directory and app stay the same.
type M365Put struct {
	Mode           string `json:"mode"`
	TenantID       string `json:"tenant_id"`
	ClientID       string `json:"client_id"`
	ClientSecret   string `json:"client_secret"`
	Mailbox        string `json:"mailbox"`
	PlusAddressing bool   `json:"plus_addressing"`
}

// M365SignIn is where to send the person who signs in for delegated
// access; the link works once, for 10 minutes.
type M365SignIn struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}
