package mail

import (
	"time"

	"github.com/google/uuid"
)

// Message is one received mail in the shape tests read, whatever its
// source. Text, Links and Codes carry tokens and are secret: they are
// sealed at rest and masked in records.
type Message struct {
	ID       uuid.UUID
	To       string // the recipient it was delivered to
	From     string
	Subject  string
	Received time.Time
	// Size is the message's size on the wire, in bytes.
	Size int
	// Preview is the start of the text, at most PreviewChars characters.
	Preview string
	// Text is the readable body: the text/plain part, or the text of the
	// HTML part when there is none; at most MaxTextBytes.
	Text string
	// Links are the http(s) links of the body, in order, at most MaxLinks.
	Links []Link
	// Codes are the one-time codes found in the body, the likeliest first.
	Codes []string
}

// Link is one link of a message: the text it is shown with (empty for a
// bare URL in plain text) and its address.
type Link struct {
	Text string `json:"text,omitempty"`
	URL  string `json:"url"`
}

// Limits of what is kept of one message.
const (
	PreviewChars = 200
	MaxTextBytes = 64 << 10
	MaxLinks     = 50
	MaxCodes     = 10
)
