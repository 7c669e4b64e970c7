package api

import (
	"time"

	"github.com/google/uuid"
)

// MailMessage is one message of a project's test mailbox.
type MailMessage struct {
	ID         uuid.UUID  `json:"id"`
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
}
