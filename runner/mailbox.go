package runner

import (
	"context"
	"net"
	"time"

	"github.com/argusqa/argus/integrations/mail"
)

// LocalMailLabel is the label of a LocalMailbox: its addresses are
// name-xxxxx@local.<domain>.
const LocalMailLabel = "local"

// LocalMailbox is a test mailbox received in this process, with its mail
// in memory: the mailbox of a run without a server (`argus run`, `argus
// demo`, the runner's benchmarks), which nothing needs to seal or purge.
type LocalMailbox struct {
	recv *mail.Receiver
	box  *Mailbox
}

// StartLocalMailbox starts an SMTP receiver as cfg says (cfg.Listen is
// required; cfg.Store is replaced by the mailbox's memory) and returns
// the mailbox behind it, for Config.Mailbox.
func StartLocalMailbox(cfg mail.Config) (*LocalMailbox, error) {
	mem := mail.NewMemory(LocalMailLabel)
	cfg.Store = mem
	r, err := mail.Start(cfg)
	if err != nil {
		return nil, err
	}
	return &LocalMailbox{recv: r, box: &Mailbox{Label: LocalMailLabel, Domain: r.Domain(), Reader: mem.Reader(LocalMailLabel)}}, nil
}

// Addr is where the receiver listens: the SMTP server the application
// under test sends to.
func (m *LocalMailbox) Addr() net.Addr { return m.recv.Addr() }

// Mailbox is the mailbox to give the runner (Config.Mailbox).
func (m *LocalMailbox) Mailbox() *Mailbox { return m.box }

// Close stops the receiver, giving open SMTP sessions 5 s to end. Close of
// a nil LocalMailbox does nothing.
func (m *LocalMailbox) Close(ctx context.Context) {
	if m == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = m.recv.Shutdown(ctx)
}
