package app

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/internal/totp"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/suite"
)

// Limits of a persona's plain fields, as the schema also checks them.
const (
	maxPersonaDisplayName = 200
	maxPersonaAddress     = 320
)

// ListPersonas lists a project's personas.
func (a *App) ListPersonas(ctx context.Context, p *Principal, project uuid.UUID) ([]store.Persona, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	return a.store.ListPersonas(ctx, p.TenantID, project)
}

// GetPersona returns the project's persona called name.
func (a *App) GetPersona(ctx context.Context, p *Principal, project uuid.UUID, name string) (*store.Persona, error) {
	if err := suite.CheckPersonaName(name); err != nil {
		return nil, notFound("no persona of this name in this project")
	}
	return a.store.GetPersona(ctx, p.TenantID, project, name)
}

// PutPersona creates or replaces the persona called name (admin). Its
// password and TOTP seed are named vault secrets of the project, which
// must exist; a TOTP secret must hold an otpauth:// URL or a base32 seed.
// The locale, time zone and user agent must be ones a browser can take,
// because they are applied to every session the persona runs in.
func (a *App) PutPersona(ctx context.Context, p *Principal, project uuid.UUID, name string, in store.PersonaInput) (*store.Persona, error) {
	if err := requireAdmin(p, "change personas"); err != nil {
		return nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	in = trimPersona(in)
	fields := personaProblems(name, in)
	if f, err := a.personaMailboxProblem(ctx, p.TenantID, project, in.Email); err != nil {
		return nil, err
	} else if f != nil {
		fields = append(fields, *f)
	}
	if in.PasswordSecret != "" || in.TOTPSecret != "" {
		more, err := a.personaSecretProblems(ctx, p.TenantID, project, in)
		if err != nil {
			return nil, err
		}
		fields = append(fields, more...)
	}
	if len(fields) > 0 {
		return nil, invalid("cannot store this persona", fields...)
	}
	return a.store.PutPersona(ctx, p.TenantID, project, name, in)
}

// DeletePersona removes a persona (admin). Tests that name it end in error
// at their next start, saying which persona is missing.
func (a *App) DeletePersona(ctx context.Context, p *Principal, project uuid.UUID, name string) error {
	if err := requireAdmin(p, "change personas"); err != nil {
		return err
	}
	if err := suite.CheckPersonaName(name); err != nil {
		return notFound("no persona of this name in this project")
	}
	return a.store.DeletePersona(ctx, p.TenantID, project, name)
}

func trimPersona(in store.PersonaInput) store.PersonaInput {
	for _, f := range []*string{&in.DisplayName, &in.Email, &in.Username, &in.PasswordSecret, &in.TOTPSecret, &in.Locale, &in.Timezone, &in.UserAgent} {
		*f = strings.TrimSpace(*f)
	}
	return in
}

// personaProblems checks the fields that need nothing but themselves.
func personaProblems(name string, in store.PersonaInput) []FieldError {
	var fields []FieldError
	add := func(field, msg string) { fields = append(fields, FieldError{field, msg}) }
	if err := suite.CheckPersonaName(name); err != nil {
		add("name", err.Error()+"; tests name it as persona: NAME")
	}
	line := func(field, v string, max int) bool {
		switch {
		case len(v) > max:
			add(field, fmt.Sprintf("at most %d characters", max))
		case strings.ContainsFunc(v, unicode.IsControl):
			add(field, "must be one line of text")
		default:
			return true
		}
		return false
	}
	line("display_name", in.DisplayName, maxPersonaDisplayName)
	line("username", in.Username, maxPersonaAddress)
	if line("email", in.Email, maxPersonaAddress) && in.Email != "" {
		if a, err := netmail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			add("email", "a plain address such as buyer@shop.mail.argus.test")
		}
	}
	for field, v := range map[string]string{"password_secret": in.PasswordSecret, "totp_secret": in.TOTPSecret} {
		if v != "" && !store.SecretNamePattern.MatchString(v) {
			add(field, "the name of one of the project's secrets")
		}
	}
	for field, id := range map[string]browser.Identity{"locale": {Locale: in.Locale}, "timezone": {Timezone: in.Timezone}, "user_agent": {UserAgent: in.UserAgent}} {
		if err := id.Validate(); err != nil {
			add(field, err.Error())
		}
	}
	return fields
}

// personaSecretProblems checks that the named secrets exist and that the
// TOTP one holds a seed. The values are opened here only to check them.
func (a *App) personaSecretProblems(ctx context.Context, tenant, project uuid.UUID, in store.PersonaInput) ([]FieldError, error) {
	values, err := a.store.SecretValues(ctx, tenant, project)
	if errors.Is(err, store.ErrNoKeyring) {
		return []FieldError{{"password_secret", "this server has no ARGUS_SECRET_KEY, so it cannot hold secrets"}}, nil
	}
	if err != nil {
		return nil, err
	}
	var fields []FieldError
	for field, name := range map[string]string{"password_secret": in.PasswordSecret, "totp_secret": in.TOTPSecret} {
		if _, ok := values[name]; name != "" && !ok {
			fields = append(fields, FieldError{field, fmt.Sprintf("the project has no secret %q; add it under Secrets first", name)})
		}
	}
	if v, ok := values[in.TOTPSecret]; ok && in.TOTPSecret != "" {
		if _, err := totp.Parse(v); err != nil {
			fields = append(fields, FieldError{"totp_secret", fmt.Sprintf("secret %q does not hold a TOTP seed (an otpauth:// URL or a base32 seed): %v", in.TOTPSecret, err)})
		}
	}
	return fields, nil
}

// personaMailboxProblem refuses an address in the test mailboxes' domain
// that is not in this project's mailbox: mail to it would land in another
// project's (or nobody's) mailbox, and the persona's tests could never
// read it. Addresses elsewhere are the application's business.
func (a *App) personaMailboxProblem(ctx context.Context, tenant, project uuid.UUID, email string) (*FieldError, error) {
	_, host, ok := strings.Cut(strings.ToLower(email), "@")
	domain := strings.ToLower(a.cfg.MailDomain)
	if !ok || (host != domain && !strings.HasSuffix(host, "."+domain)) {
		return nil, nil
	}
	label, err := a.store.ProjectMailLabel(ctx, tenant, project)
	if err != nil {
		return nil, err
	}
	if host == label+"."+domain {
		return nil, nil
	}
	return &FieldError{"email", fmt.Sprintf("an address of this project's test mailbox ends in @%s.%s", label, domain)}, nil
}
