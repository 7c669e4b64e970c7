package main

import (
	"context"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/internal/config"
)

// digestMailer is how the workers send the schedules' digest mail: the
// server's SMTP mailer (ARGUS_SMTP_URL, ARGUS_MAIL_FROM). Nil without
// ARGUS_SMTP_URL: the digest job does not run here.
func digestMailer(cfg *config.Config) (func(ctx context.Context, to, subject, body string) error, error) {
	if cfg.SMTPURL == "" {
		return nil, nil
	}
	m, err := app.NewSMTPMailer(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, &usageError{msg: "ARGUS_SMTP_URL / ARGUS_MAIL_FROM: " + err.Error()}
	}
	return func(ctx context.Context, to, subject, body string) error {
		return m.Send(ctx, app.Mail{To: to, Subject: subject, Body: body})
	}, nil
}
