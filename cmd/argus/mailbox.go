package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/argusqa/argus/integrations/mail"
	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/runner"
	"github.com/argusqa/argus/suite"
)

// localMailLabel is the mailbox of `argus run` and `argus demo`: their
// addresses are name-xxxxx@local.<ARGUS_MAIL_DOMAIN>.
const localMailLabel = "local"

// defaultRunMailListen is where `argus run` receives mail when
// ARGUS_MAIL_LISTEN is empty: a fixed port, so the application under test
// can be configured once.
const defaultRunMailListen = "127.0.0.1:2525"

// usesEmail reports whether any test reads mail.
func usesEmail(tests []*suite.Test) bool {
	for _, t := range tests {
		if t.UsesEmail() {
			return true
		}
	}
	return false
}

// localMailbox is the in-process receiver of a CLI run, with its mail in
// memory.
type localMailbox struct {
	recv *mail.Receiver
	box  *runner.Mailbox
}

// startLocalMailbox starts the receiver on listen (ARGUS_MAIL_LISTEN, or
// the default) and says where it is.
func startLocalMailbox(cfg *config.Config, listen string, out io.Writer, log *slog.Logger) (*localMailbox, error) {
	if listen == "" {
		listen = cfg.MailListen
	}
	if listen == "" {
		listen = defaultRunMailListen
	}
	mem := mail.NewMemory(localMailLabel)
	r, err := mail.Start(mail.Config{Listen: listen, Domain: cfg.MailDomain, Store: mem, Logger: log.With("component", "mail")})
	if err != nil {
		return nil, fmt.Errorf("%w (set ARGUS_MAIL_LISTEN to another host:port)", err)
	}
	fmt.Fprintf(out, "test mailbox: SMTP on %s for *@%s.%s (receive-only)\n", r.Addr(), localMailLabel, r.Domain())
	return &localMailbox{recv: r, box: &runner.Mailbox{Label: localMailLabel, Domain: r.Domain(), Reader: mem.Reader(localMailLabel)}}, nil
}

func (m *localMailbox) close(ctx context.Context) {
	if m == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = m.recv.Shutdown(ctx)
}
