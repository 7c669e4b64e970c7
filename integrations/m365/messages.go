package m365

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/argusqa/argus/integrations/mail"
)

// Client reads one mailbox through Graph. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
}

func newClient(cfg Config, ts oauth2.TokenSource) *Client {
	base := cfg.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &Client{cfg: cfg, http: &http.Client{
		Timeout:   cfg.HTTPClient.Timeout,
		Transport: &oauth2.Transport{Source: oauth2.ReuseTokenSource(nil, ts), Base: base},
	}}
}

// Query narrows what Messages returns. Every field is optional.
type Query struct {
	// To keeps messages addressed to this address (To or Cc), ignoring
	// case.
	To string
	// SubjectContains keeps messages whose subject contains this text,
	// ignoring case.
	SubjectContains string
	// Since keeps messages received at or after this time; it is never
	// earlier than the window (Config.Window before now).
	Since time.Time
}

// selectFields is everything a query asks Graph for: the body is read for
// its links and codes and then dropped.
const selectFields = "subject,from,toRecipients,ccRecipients,receivedDateTime,bodyPreview,body"

// graphMessage is Graph's message resource, as far as selectFields go.
type graphMessage struct {
	// ID is Graph's message id, always returned whatever $select says.
	ID               string         `json:"id"`
	Subject          string         `json:"subject"`
	From             *graphAddress  `json:"from"`
	ToRecipients     []graphAddress `json:"toRecipients"`
	CcRecipients     []graphAddress `json:"ccRecipients"`
	ReceivedDateTime time.Time      `json:"receivedDateTime"`
	BodyPreview      string         `json:"bodyPreview"`
	Body             struct {
		ContentType string `json:"contentType"` // "text" or "html"
		Content     string `json:"content"`
	} `json:"body"`
}

type graphAddress struct {
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

func (a graphAddress) String() string {
	if a.EmailAddress.Name == "" || a.EmailAddress.Name == a.EmailAddress.Address {
		return a.EmailAddress.Address
	}
	return a.EmailAddress.Name + " <" + a.EmailAddress.Address + ">"
}

// maxResponseBytes bounds one Graph answer: 25 messages with bodies.
const maxResponseBytes = 16 << 20

// Messages returns the mailbox's messages of the window that match q,
// newest first, at most Config.MaxResults. Graph is asked for the window
// and the limit ($filter, $orderby, $top); To and SubjectContains are then
// applied to those, so a query never reads more than MaxResults messages.
func (c *Client) Messages(ctx context.Context, q Query) ([]mail.Message, error) {
	since := c.cfg.Now().Add(-c.cfg.Window)
	if q.Since.After(since) {
		since = q.Since
	}
	who := "me"
	if c.cfg.Mailbox != "" {
		who = "users/" + url.PathEscape(c.cfg.Mailbox)
	}
	params := url.Values{
		"$filter":  {"receivedDateTime ge " + since.UTC().Format(time.RFC3339)},
		"$orderby": {"receivedDateTime desc"},
		"$top":     {strconv.Itoa(c.cfg.MaxResults)},
		"$select":  {selectFields},
	}
	// Graph wants %20 rather than + between the words of $filter.
	u := c.cfg.GraphURL + "/" + who + "/messages?" + strings.ReplaceAll(params.Encode(), "+", "%20")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("m365: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	// Bodies as text would lose the links' addresses; HTML keeps them.
	req.Header.Set("Prefer", `outlook.body-content-type="html"`)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("m365: list messages: %w", tokenError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("m365: read messages: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("m365: list messages: %w", graphError(resp.StatusCode, body))
	}
	var page struct {
		Value []graphMessage `json:"value"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("m365: decode messages: %w", err)
	}
	c.cfg.Logger.Debug("read Microsoft 365 mail", "mailbox", who, "messages", len(page.Value))
	var out []mail.Message
	for _, gm := range page.Value {
		if len(out) == c.cfg.MaxResults {
			break
		}
		if gm.ReceivedDateTime.Before(since) || !matches(gm, q) {
			continue
		}
		out = append(out, toMessage(gm))
	}
	return out, nil
}

func matches(gm graphMessage, q Query) bool {
	if q.SubjectContains != "" && !strings.Contains(strings.ToLower(gm.Subject), strings.ToLower(q.SubjectContains)) {
		return false
	}
	if q.To == "" {
		return true
	}
	for _, a := range append(append([]graphAddress(nil), gm.ToRecipients...), gm.CcRecipients...) {
		if strings.EqualFold(a.EmailAddress.Address, q.To) {
			return true
		}
	}
	return false
}

// toMessage keeps what the spec allows — subject, sender, recipient, time,
// preview, links, codes — and drops the body.
func toMessage(gm graphMessage) mail.Message {
	plain, html := gm.Body.Content, ""
	if strings.EqualFold(gm.Body.ContentType, "html") {
		plain, html = "", gm.Body.Content
	}
	from := ""
	if gm.From != nil {
		from = gm.From.String()
	}
	m := mail.FromParts(gm.Subject, from, plain, html)
	m.Text = ""
	if gm.BodyPreview != "" {
		m.Preview = mail.PreviewOf(gm.BodyPreview)
	}
	if len(gm.ToRecipients) > 0 {
		m.To = gm.ToRecipients[0].EmailAddress.Address
	}
	m.Received = gm.ReceivedDateTime
	// A stable id per Graph message, so that reading the same message
	// twice is recognised as the same.
	m.ID = uuid.NewSHA1(graphNamespace, []byte(gm.ID))
	return *m
}

// graphNamespace names the ids of Graph messages.
var graphNamespace = uuid.MustParse("5f0c1f52-7a38-4b8e-9d55-2a8f8e1c6d41")

// graphError reads Graph's OData error body ({"error": {"code", "message"}}).
func graphError(status int, body []byte) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Code != "" {
		return fmt.Errorf("graph answered HTTP %d: %s: %s", status, e.Error.Code, e.Error.Message)
	}
	return fmt.Errorf("graph answered HTTP %d", status)
}

func tokenError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if d := describe(ue.Err); d != ue.Err {
			return fmt.Errorf("sign in to Microsoft: %w", d)
		}
	}
	return err
}
