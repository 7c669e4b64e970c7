package m365

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"

	"github.com/argusqa/argus/integrations/mail"
)

// Mode is how Argus signs in to Microsoft for a project's mailbox.
type Mode string

// Modes.
const (
	// ModeAppOnly signs in as the app registration (client credentials).
	ModeAppOnly Mode = "app_only"
	// ModeDelegated signs in as a person who consented once (authorization
	// code); their refresh token is kept.
	ModeDelegated Mode = "delegated"
)

// Settings are what is stored in the clear of a project's connection: no
// secret is among them.
type Settings struct {
	Mode     Mode   `json:"mode"`
	TenantID string `json:"tenant_id"`
	ClientID string `json:"client_id"`
	// Mailbox is the address tests read: the mailbox app-only access
	// reads, or the signed-in person's own address for delegated access
	// (which reads /me). It is the agents' {{email.address}}.
	Mailbox string `json:"mailbox"`
	// PlusAddressing gives each agent its own address, local+tag@domain
	// (Exchange Online delivers it to the mailbox), so parallel agents
	// read only their own mail. Off, every agent types Mailbox.
	PlusAddressing bool `json:"plus_addressing"`
}

// Credentials are what is sealed: the app registration's client secret
// and, once a person signed in, the refresh token.
type Credentials struct {
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// Seal encodes credentials for the sealed token column.
func (c Credentials) Seal() string {
	b, _ := json.Marshal(c) // two strings always encode
	return string(b)
}

// OpenCredentials decodes what Seal made.
func OpenCredentials(s string) (Credentials, error) {
	var c Credentials
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return Credentials{}, fmt.Errorf("m365: stored credentials: %w", err)
	}
	return c, nil
}

// Map is the settings as an integration's config object.
func (s Settings) Map() map[string]any {
	return map[string]any{"mode": string(s.Mode), "tenant_id": s.TenantID, "client_id": s.ClientID, "mailbox": s.Mailbox, "plus_addressing": s.PlusAddressing}
}

// SettingsOf reads an integration's config object.
func SettingsOf(m map[string]any) Settings {
	str := func(k string) string { v, _ := m[k].(string); return v }
	plus, _ := m["plus_addressing"].(bool)
	return Settings{Mode: Mode(str("mode")), TenantID: str("tenant_id"), ClientID: str("client_id"), Mailbox: str("mailbox"), PlusAddressing: plus}
}

// Validate says, field by field, what is wrong with settings and a client
// secret.
func (s Settings) Validate(secret string) map[string]string {
	bad := map[string]string{}
	if s.Mode != ModeAppOnly && s.Mode != ModeDelegated {
		bad["mode"] = "app_only (client credentials) or delegated (a person signs in)"
	}
	cfg := Config{TenantID: s.TenantID, ClientID: s.ClientID, ClientSecret: secret}
	if err := cfg.Validate(); err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			field, msg, _ := strings.Cut(e, ": ")
			bad[strings.ReplaceAll(field, " ", "_")] = msg
		}
	}
	if local, domain, ok := strings.Cut(s.Mailbox, "@"); !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(s.Mailbox, "/?#% +\"<>") {
		bad["mailbox"] = "the mailbox's address, e.g. qa-inbox@contoso.com"
	}
	return bad
}

// Config is base (the endpoints, HTTP client and logger) with the
// settings' directory, app and mailbox.
func (s Settings) Config(base Config, secret string) Config {
	base.TenantID, base.ClientID, base.ClientSecret = s.TenantID, s.ClientID, secret
	base.Mailbox = ""
	if s.Mode == ModeAppOnly {
		base.Mailbox = s.Mailbox
	}
	return base
}

// Address is the address an agent types: Mailbox, or with plus addressing
// local+tag@domain.
func (s Settings) Address(tag string) string {
	if !s.PlusAddressing || tag == "" {
		return s.Mailbox
	}
	local, domain, _ := strings.Cut(s.Mailbox, "@")
	return local + "+" + tag + "@" + domain
}

// Open returns the client of a stored connection: app-only with the client
// secret, delegated with the refresh token (onRotate gets Microsoft's
// replacements, to be stored). ErrNotSignedIn for a delegated connection
// nobody has signed in to yet.
func (s Settings) Open(base Config, creds Credentials, onRotate func(Credentials)) (*Client, error) {
	cfg := s.Config(base, creds.ClientSecret)
	if s.Mode == ModeAppOnly {
		return AppOnly(cfg)
	}
	if creds.RefreshToken == "" {
		return nil, ErrNotSignedIn
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("m365: %w", err)
	}
	// A refresh needs no redirect URL; the sign-in that made the token did.
	o := oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Scopes: delegatedScopes,
		Endpoint: oauth2.Endpoint{AuthURL: cfg.authURL(), TokenURL: cfg.tokenURL(), AuthStyle: oauth2.AuthStyleInParams}}
	base2 := o.TokenSource(withHTTP(context.Background(), cfg), &oauth2.Token{RefreshToken: creds.RefreshToken})
	rot := func(rt string) {
		if onRotate != nil {
			onRotate(Credentials{ClientSecret: creds.ClientSecret, RefreshToken: rt})
		}
	}
	return newClient(cfg, &rotating{src: base2, last: creds.RefreshToken, onRotate: rot}), nil
}

// ErrNotSignedIn: a delegated connection has no refresh token yet.
var ErrNotSignedIn = errors.New("m365: nobody has signed in to this Microsoft 365 mailbox yet")

// Reader reads a Microsoft 365 mailbox in the built-in mailbox's shape,
// for read_email and the email steps.
type Reader struct{ Client *Client }

// Find implements mail.Reader: Graph is asked for the window (10
// minutes, at most 5 messages), then q's recipient, subject and time are
// applied.
func (r Reader) Find(ctx context.Context, q mail.Query) ([]mail.Message, error) {
	msgs, err := r.Client.Messages(ctx, Query{To: q.To, SubjectContains: q.SubjectContains, Since: q.Since})
	if err != nil {
		return nil, err
	}
	if len(msgs) > q.EffectiveLimit() {
		msgs = msgs[:q.EffectiveLimit()]
	}
	return msgs, nil
}
