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
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

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

// startLocalMailbox starts the in-process receiver of a CLI run on listen
// (ARGUS_MAIL_LISTEN, or the default) and says where it is.
func startLocalMailbox(cfg *config.Config, listen string, out io.Writer, log *slog.Logger) (*runner.LocalMailbox, error) {
	if listen == "" {
		listen = cfg.MailListen
	}
	if listen == "" {
		listen = defaultRunMailListen
	}
	mcfg := cfg.MailConfig()
	mcfg.Listen, mcfg.Logger = listen, log.With("component", "mail")
	m, err := runner.StartLocalMailbox(mcfg)
	if err != nil {
		return nil, fmt.Errorf("%w (set ARGUS_MAIL_LISTEN to another host:port)", err)
	}
	fmt.Fprintf(out, "test mailbox: SMTP on %s for *@%s.%s (receive-only)\n", m.Addr(), runner.LocalMailLabel, m.Mailbox().Domain)
	return m, nil
}

// mailSettings are the test mailbox's settings of argus serve and argus
// worker: either may run the receiver (ARGUS_MAIL_LISTEN), and every
// process that runs agents needs the domain to give them addresses.
var mailSettings = []config.Setting{config.MailListen, config.MailDomain, config.MailRetention, config.MailQuota, config.MailMaxMessageMiB}

// startServerMailbox starts the receiver of argus serve or argus worker
// when ARGUS_MAIL_LISTEN is set, keeping the mail sealed in the database
// in the project its address names; nil when it is not set. Several
// processes may run one: they share the database, and the quota holds
// across them (store.DeliverMail locks the project).
func startServerMailbox(cfg *config.Config, st *store.Store, out io.Writer, log *slog.Logger) (*mail.Receiver, error) {
	if cfg.MailListen == "" {
		return nil, nil
	}
	mcfg := cfg.MailConfig()
	mcfg.Store, mcfg.Logger = store.MailStore{S: st}, log.With("component", "mail")
	r, err := mail.Start(mcfg)
	if err != nil {
		return nil, &config.Error{Env: config.MailListen.Env, Flag: config.MailListen.Flag, Problem: err.Error(), Example: config.MailListen.Example}
	}
	fmt.Fprintf(out, "argus: test mailbox: SMTP on %s for *@<project>.%s (receive-only)\n", r.Addr(), r.Domain())
	return r, nil
}

// stopMailbox closes a receiver started by startServerMailbox, giving
// open sessions 5 s.
func stopMailbox(ctx context.Context, r *mail.Receiver) {
	if r == nil {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = r.Shutdown(sctx)
}
