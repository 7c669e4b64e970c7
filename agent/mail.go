package agent

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/suite"
)

// Inbox is an agent's mailbox: its own fresh address, and a reader of the
// project's mailbox to find the mail sent to it.
type Inbox struct {
	Address string
	Reader  mail.Reader
	// Poll is how often a wait for mail asks Reader again; 0 means every
	// 200 ms (the built-in mailbox is a database read). A remote mailbox
	// sets more, to stay within its service's request limits.
	Poll time.Duration
}

// mailPoll is how often a wait for mail looks again.
const mailPoll = 200 * time.Millisecond

// openedMail is a message the agent has read, with the numbers its link
// and code placeholders got.
type openedMail struct {
	msg   mail.Message
	links []int // placeholder number of each of msg.Links
	code  int   // placeholder number of msg.Codes[0], 0 when none
}

// readMail binds a message's links and codes to placeholders (so they are
// masked in records and hidden from the model) and makes it the current
// message of the email steps.
func (at *attempt) readMail(m mail.Message) *openedMail {
	for _, o := range at.mails {
		if o.msg.ID == m.ID {
			at.mail = o
			return o
		}
	}
	o := &openedMail{msg: m}
	for _, l := range m.Links {
		at.mailLinks++
		o.links = append(o.links, at.mailLinks)
		ph := fmt.Sprintf("{{email.link.%d}}", at.mailLinks)
		at.sec.bind(ph, l.URL)
		// Pages and records show a URL's path and query without the
		// host: mask those too when they carry a token.
		if u, err := url.Parse(l.URL); err == nil {
			if u.RawQuery != "" {
				at.sec.alias(u.RequestURI(), ph)
				at.sec.alias(u.RawQuery, ph)
			}
			for _, seg := range strings.Split(u.Path, "/") {
				if len(seg) >= 12 { // a token in the path: /confirm/9f3k…
					at.sec.alias(u.Path, ph)
					break
				}
			}
		}
	}
	for i, c := range m.Codes {
		at.mailCodes++
		if i == 0 {
			o.code = at.mailCodes
		}
		at.sec.bind(fmt.Sprintf("{{email.code.%d}}", at.mailCodes), c)
	}
	at.mails = append(at.mails, o)
	at.mail = o
	return o
}

// findMail asks the mailbox, with the recipient's placeholder resolved.
func (at *attempt) findMail(ctx context.Context, q mail.Query) ([]mail.Message, error) {
	if at.task.Inbox == nil || at.task.Inbox.Reader == nil {
		return nil, fmt.Errorf("%w: this test has no mailbox: run it with the mail receiver (argus run starts one for tests that use email; argus serve needs ARGUS_MAIL_LISTEN)", browser.ErrInvalidTarget)
	}
	if q.To != "" {
		to, err := at.sec.substitute(q.To)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", browser.ErrInvalidTarget, err)
		}
		q.To = to
	}
	return at.task.Inbox.Reader.Find(ctx, q)
}

// expectEmail waits for a message to the step's recipient whose subject
// contains the step's value, received since the attempt started.
func (at *attempt) expectEmail(ctx context.Context, st suite.Step) (bool, string, error) {
	limit := st.Duration
	if limit == 0 {
		limit = suite.DefaultEmailWait
	}
	q := mail.Query{To: st.To, SubjectContains: st.Value, Since: at.started.Add(-time.Second), Limit: 1}
	deadline := time.Now().Add(limit)
	for {
		got, err := at.findMail(ctx, q)
		if err != nil {
			return false, "", err
		}
		if len(got) > 0 {
			o := at.readMail(got[0])
			return true, fmt.Sprintf("mail %q from %s arrived for %s", o.msg.Subject, o.msg.From, o.msg.To), nil
		}
		if time.Now().After(deadline) {
			what := "no mail"
			if st.Value != "" {
				what = fmt.Sprintf("no mail with %q in its subject", st.Value)
			}
			to, _ := at.sec.substitute(st.To)
			return false, fmt.Sprintf("%s arrived for %s within %s", what, to, suite.FormatDuration(limit)), nil
		}
		poll := at.task.Inbox.Poll
		if poll <= 0 {
			poll = mailPoll
		}
		if err := sleep(ctx, poll); err != nil {
			return false, "", err
		}
	}
}

// currentMail is the message the email steps act on: the one the last
// expect email (or read_email) found, else the newest mail to the agent's
// address.
func (at *attempt) currentMail(ctx context.Context) (*openedMail, error) {
	if at.mail != nil {
		return at.mail, nil
	}
	got, err := at.findMail(ctx, mail.Query{To: suite.EmailAddress, Since: at.started.Add(-time.Second), Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("%w: no mail has arrived for %s; wait for it first with expect email to \"{{email.address}}\"", browser.ErrNotFound, at.sec.email)
	}
	return at.readMail(got[0]), nil
}

// openEmailLink navigates to the link of the current message whose text
// (else whose address) contains the step's value.
func (at *attempt) openEmailLink(ctx context.Context, st suite.Step) (string, error) {
	o, err := at.currentMail(ctx)
	if err != nil {
		return "", err
	}
	i := pickLink(o.msg.Links, st.Value)
	if i < 0 {
		var names []string
		for _, l := range o.msg.Links {
			names = append(names, linkName(l))
		}
		return "", fmt.Errorf("%w: the mail %q has no link %q (its links: %s)", browser.ErrNotFound, o.msg.Subject, st.Value, strings.Join(names, ", "))
	}
	if err := at.sess.Navigate(ctx, o.msg.Links[i].URL); err != nil {
		return "", err
	}
	return fmt.Sprintf("opened the link %q of the mail %q", linkName(o.msg.Links[i]), o.msg.Subject), nil
}

// typeEmailCode types the current message's likeliest one-time code.
func (at *attempt) typeEmailCode(ctx context.Context, st suite.Step, target browser.Target) (string, error) {
	o, err := at.currentMail(ctx)
	if err != nil {
		return "", err
	}
	if len(o.msg.Codes) == 0 {
		return "", fmt.Errorf("%w: the mail %q holds no one-time code", browser.ErrNotFound, o.msg.Subject)
	}
	el, err := at.sess.Type(ctx, target, o.msg.Codes[0], browser.TypeOptions{Clear: true})
	return fmt.Sprintf("typed the one-time code of the mail %q into %s", o.msg.Subject, el.Label()), err
}

func pickLink(links []mail.Link, want string) int {
	w := strings.ToLower(want)
	for i, l := range links {
		if strings.Contains(strings.ToLower(l.Text), w) {
			return i
		}
	}
	for i, l := range links {
		if strings.Contains(strings.ToLower(l.URL), w) {
			return i
		}
	}
	return -1
}

// linkName is how a link is named in steps: its text, else its path
// (never its query, where tokens live).
func linkName(l mail.Link) string {
	if l.Text != "" {
		return l.Text
	}
	if u, err := url.Parse(l.URL); err == nil && u.Path != "" && u.Path != "/" {
		return u.Path
	}
	return "link"
}

// readEmailTool answers the model's read_email: the newest messages (at
// most 5) with links and codes as placeholders it can navigate to or type.
func (at *attempt) readEmailTool(ctx context.Context, a toolArgs, rec Step, answer reply) llm.ToolResult {
	began := time.Now()
	q := mail.Query{To: a.To, SubjectContains: a.Subject, Since: at.started.Add(-time.Second)}
	if q.To == "" {
		q.To = suite.EmailAddress
	}
	if a.Since != "" {
		since, err := parseSince(a.Since, time.Now())
		if err != nil {
			return at.refuse(ctx, rec, err.Error(), answer)
		}
		q.Since = since
	}
	got, err := at.findMail(ctx, q)
	if err != nil {
		if errors.Is(err, browser.ErrInvalidTarget) {
			return at.refuse(ctx, rec, strings.TrimPrefix(err.Error(), browser.ErrInvalidTarget.Error()+": "), answer)
		}
		return at.toolBroke(ctx, rec, err.Error(), err, answer)
	}
	var b strings.Builder
	if len(got) == 0 {
		fmt.Fprintf(&b, "No mail has arrived for %s (yet). Mail can take a few seconds; read again after the application says it sent it.", q.To)
	} else {
		fmt.Fprintf(&b, "%d message(s), newest first:\n", len(got))
	}
	var first *openedMail
	for i, m := range got {
		o := at.readMail(m)
		if first == nil {
			first = o
		}
		fmt.Fprintf(&b, "%d. %q from %s to %s, received %s\n   %s\n", i+1, m.Subject, m.From, m.To, m.Received.UTC().Format(time.TimeOnly), m.Preview)
		for j, l := range m.Links {
			fmt.Fprintf(&b, "   link {{email.link.%d}}: %q\n", o.links[j], linkName(l))
		}
		if o.code > 0 {
			fmt.Fprintf(&b, "   one-time code {{email.code.%d}}\n", o.code)
		}
	}
	if len(got) > 0 {
		at.mail = first
		b.WriteString("Follow a link with navigate and url {{email.link.N}}; type a code with type and text {{email.code.N}}.")
	}
	rec.ActMS = ms(time.Since(began))
	rec.Outcome = fmt.Sprintf("read %d message(s) for %s", len(got), q.To)
	at.record(ctx, rec)
	return answer(b.String(), false)
}

// parseSince reads an RFC 3339 time or a duration ago ("10m").
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("since %q is neither a duration such as 10m nor an RFC 3339 time", s)
}

// mailStepFor turns a model's navigate to {{email.link.N}} or type of
// {{email.code.N}} into the email step a person would write, so a replay
// reads the mail of its own run.
func (at *attempt) mailStepFor(placeholder string) (suite.Step, bool) {
	for _, o := range at.mails {
		for j, n := range o.links {
			if placeholder == fmt.Sprintf("{{email.link.%d}}", n) {
				at.mail = o
				return suite.Step{Verb: suite.VerbOpenEmailLink, Value: linkName(o.msg.Links[j])}, true
			}
		}
		if o.code > 0 && placeholder == fmt.Sprintf("{{email.code.%d}}", o.code) {
			at.mail = o
			return suite.Step{Verb: suite.VerbTypeEmailCode}, true
		}
	}
	return suite.Step{}, false
}
