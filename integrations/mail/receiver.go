package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
)

// Config configures the receiver.
type Config struct {
	// Listen is the TCP address (ARGUS_MAIL_LISTEN), e.g. 127.0.0.1:2525;
	// port 0 picks a free one (see Receiver.Addr). Required.
	Listen string
	// Domain is the mail domain (ARGUS_MAIL_DOMAIN). Default
	// DefaultDomain.
	Domain string
	// MaxMessageBytes refuses larger messages with 552. Default 10 MiB.
	MaxMessageBytes int64
	// MaxRecipients per message. Default 50.
	MaxRecipients int
	// Quota is how many messages one project's mailbox holds at once;
	// more are answered 452 until retention purges old ones. Default 1000.
	Quota int
	// Timeout bounds each read and write of a session. Default 60 s.
	Timeout time.Duration
	// Store keeps the messages. Required.
	Store Store
	// Now is the clock stamped on received messages. Default time.Now.
	Now func() time.Time
	// Logger receives one line per delivery and refusal. Default: discard.
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultDomain          = "mail.argus.test"
	DefaultMaxMessageBytes = 10 << 20
	DefaultMaxRecipients   = 50
	DefaultQuota           = 1000
	DefaultTimeout         = 60 * time.Second
	DefaultRetention       = 24 * time.Hour
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Domain == "" {
		c.Domain = DefaultDomain
	}
	c.Domain = strings.ToLower(c.Domain)
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxRecipients <= 0 {
		c.MaxRecipients = DefaultMaxRecipients
	}
	if c.Quota <= 0 {
		c.Quota = DefaultQuota
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Receiver is the running SMTP server.
type Receiver struct {
	cfg  Config
	srv  *smtp.Server
	ln   net.Listener
	done chan error
}

// Start listens on cfg.Listen and serves until Close.
func Start(cfg Config) (*Receiver, error) {
	cfg = cfg.WithDefaults()
	if cfg.Store == nil {
		return nil, errors.New("mail receiver: no store")
	}
	if err := CheckDomain(cfg.Domain); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("mail receiver: listen on %s: %w", cfg.Listen, err)
	}
	r := &Receiver{cfg: cfg, ln: ln, done: make(chan error, 1)}
	srv := smtp.NewServer(r)
	srv.Domain = cfg.Domain
	srv.MaxMessageBytes = cfg.MaxMessageBytes
	srv.MaxRecipients = cfg.MaxRecipients
	srv.ReadTimeout = cfg.Timeout
	srv.WriteTimeout = cfg.Timeout
	srv.ErrorLog = slogLogger{cfg.Logger}
	r.srv = srv
	go func() { r.done <- srv.Serve(ln) }()
	return r, nil
}

// Addr is the address the receiver listens on.
func (r *Receiver) Addr() net.Addr { return r.ln.Addr() }

// Domain is the mail domain it accepts.
func (r *Receiver) Domain() string { return r.cfg.Domain }

// Shutdown stops accepting, waits for open sessions up to ctx, then
// closes them.
func (r *Receiver) Shutdown(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if err != nil {
		_ = r.srv.Close()
	}
	<-r.done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// NewSession implements smtp.Backend.
func (r *Receiver) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{r: r, remote: c.Conn().RemoteAddr().String()}, nil
}

type session struct {
	r      *Receiver
	remote string
	from   string
	rcpts  []recipient
}

type recipient struct {
	addr string
	mb   Mailbox
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

var (
	errNotHere = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "no such mailbox here; this server only receives mail for its test mailboxes and relays nothing"}
	errFull = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2},
		Message: "mailbox full; old messages are purged after the retention period"}
	errLocal = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "temporary failure, try again later"}
)

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.r.cfg.Timeout)
	defer cancel()
	local, label, ok := SplitAddress(to, s.r.cfg.Domain)
	if !ok {
		s.r.cfg.Logger.Info("mail refused: recipient outside the mail domain", "remote", s.remote)
		return errNotHere
	}
	mb, err := s.r.cfg.Store.Resolve(ctx, label)
	if errors.Is(err, ErrNoMailbox) {
		s.r.cfg.Logger.Info("mail refused: no mailbox", "label", label, "remote", s.remote)
		return errNotHere
	}
	if err != nil {
		s.r.cfg.Logger.Error("mail: resolve mailbox", "label", label, "err", err)
		return errLocal
	}
	if mb.Stored >= s.r.cfg.Quota {
		s.r.cfg.Logger.Warn("mail refused: quota reached", "label", label, "quota", s.r.cfg.Quota)
		return errFull
	}
	s.rcpts = append(s.rcpts, recipient{addr: Address(local, label, s.r.cfg.Domain), mb: mb})
	return nil
}

func (s *session) Data(r io.Reader) error {
	// go-smtp stops the reader at MaxMessageBytes with ErrDataTooLarge.
	raw, err := io.ReadAll(r)
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return se
		}
		return errLocal
	}
	msg, err := Parse(raw)
	if err != nil {
		s.r.cfg.Logger.Info("mail refused: malformed", "remote", s.remote, "err", err)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message could not be read: " + truncate(strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": "), 200)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.r.cfg.Timeout)
	defer cancel()
	now := s.r.cfg.Now()
	for _, rc := range s.rcpts {
		m := *msg
		m.ID = uuid.New()
		m.To = rc.addr
		m.Received = now
		m.Size = len(raw)
		switch err := s.r.cfg.Store.Deliver(ctx, rc.mb, s.r.cfg.Quota, &m); {
		case errors.Is(err, ErrQuota):
			return errFull
		case err != nil:
			s.r.cfg.Logger.Error("mail: deliver", "label", rc.mb.Label, "err", err)
			return errLocal
		}
		s.r.cfg.Logger.Info("mail received", "label", rc.mb.Label, "id", m.ID, "bytes", len(raw))
	}
	return nil
}

// slogLogger carries go-smtp's connection errors into the injected logger.
type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) { l.l.Warn("smtp: " + fmt.Sprintf(format, v...)) }
func (l slogLogger) Println(v ...any)               { l.l.Warn("smtp: " + fmt.Sprint(v...)) }
