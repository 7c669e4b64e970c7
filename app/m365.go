package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/integrations/m365"
	"github.com/argusqa/argus/store"
)

// M365CallbackPath is the web route Microsoft redirects a delegated
// sign-in back to; PublicURL + this is the redirect URL to register.
const M365CallbackPath = "/integrations/m365/callback"

var errNoM365 = notFound("this project has no Microsoft 365 mailbox")

// M365RedirectURL is the callback to register with the app registration.
func (a *App) M365RedirectURL() string { return a.cfg.PublicURL + M365CallbackPath }

// M365 returns a project's Microsoft 365 connection, without secrets.
func (a *App) M365(ctx context.Context, p *Principal, project uuid.UUID) (*api.M365Connection, error) {
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	in, err := a.store.GetIntegration(ctx, p.TenantID, store.IntegrationM365, &project)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoM365
	}
	if err != nil {
		return nil, err
	}
	return a.m365View(ctx, p.TenantID, project, in)
}

func (a *App) m365View(ctx context.Context, tenant, project uuid.UUID, in *store.Integration) (*api.M365Connection, error) {
	s := m365.SettingsOf(in.Config)
	v := &api.M365Connection{Mode: string(s.Mode), TenantID: s.TenantID, ClientID: s.ClientID, Mailbox: s.Mailbox,
		PlusAddressing: s.PlusAddressing, RedirectURL: a.M365RedirectURL(), UpdatedAt: in.UpdatedAt}
	if in.HasToken {
		creds, err := a.m365Credentials(ctx, tenant, project)
		if err != nil {
			return nil, err
		}
		v.Connected = creds.ClientSecret != "" && (s.Mode == m365.ModeAppOnly || creds.RefreshToken != "")
	}
	return v, nil
}

func (a *App) m365Credentials(ctx context.Context, tenant, project uuid.UUID) (m365.Credentials, error) {
	tok, err := a.store.IntegrationToken(ctx, tenant, store.IntegrationM365, &project)
	if err != nil {
		return m365.Credentials{}, err
	}
	return m365.OpenCredentials(tok)
}

// PutM365 connects a project to a Microsoft 365 mailbox (admin): app-only
// settings are tried against Microsoft at once (a sign-in and one read of
// the mailbox), so what is saved works; delegated settings wait for a
// person to sign in (M365SignIn). While connected, the project's tests
// read their mail from this mailbox.
func (a *App) PutM365(ctx context.Context, p *Principal, project uuid.UUID, in api.M365Put) (*api.M365Connection, error) {
	if err := requireAdmin(p, "connect a Microsoft 365 mailbox"); err != nil {
		return nil, err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return nil, err
	}
	s := m365.Settings{Mode: m365.Mode(strings.TrimSpace(in.Mode)), TenantID: strings.TrimSpace(in.TenantID), ClientID: strings.TrimSpace(in.ClientID),
		Mailbox: strings.TrimSpace(in.Mailbox), PlusAddressing: in.PlusAddressing}
	creds := m365.Credentials{ClientSecret: in.ClientSecret}
	if creds.ClientSecret == "" {
		// Keep what is stored, when it still belongs to these settings.
		old, err := a.store.GetIntegration(ctx, p.TenantID, store.IntegrationM365, &project)
		if err == nil && old.HasToken {
			prev := m365.SettingsOf(old.Config)
			if prev.Mode == s.Mode && prev.TenantID == s.TenantID && prev.ClientID == s.ClientID {
				if creds, err = a.m365Credentials(ctx, p.TenantID, project); err != nil {
					return nil, err
				}
			}
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	if bad := s.Validate(creds.ClientSecret); len(bad) > 0 {
		var fields []FieldError
		for _, f := range []string{"mode", "tenant_id", "client_id", "client_secret", "mailbox"} {
			if msg, ok := bad[f]; ok {
				fields = append(fields, FieldError{f, msg})
			}
		}
		return nil, invalid("cannot connect this Microsoft 365 mailbox", fields...)
	}
	if s.Mode == m365.ModeAppOnly {
		c, err := s.Open(a.cfg.M365, creds, nil)
		if err == nil {
			_, err = c.Messages(ctx, m365.Query{})
		}
		if err != nil {
			return nil, refused("Microsoft refused these settings: "+strings.TrimPrefix(err.Error(), "m365: "),
				FieldError{"client_secret", "check the directory, app, secret and the app's Mail.Read application permission on " + s.Mailbox})
		}
	}
	in2, err := a.store.PutIntegration(ctx, p.TenantID, store.IntegrationInput{ProjectID: &project, Kind: store.IntegrationM365,
		Config: s.Map(), Token: creds.Seal()})
	if err != nil {
		return nil, err
	}
	a.cfg.Logger.Info("microsoft 365 mailbox connected", "tenant", p.TenantID, "project", project, "mode", s.Mode)
	return a.m365View(ctx, p.TenantID, project, in2)
}

// DeleteM365 disconnects a project's Microsoft 365 mailbox (admin); its
// tests read the built-in test mailbox again.
func (a *App) DeleteM365(ctx context.Context, p *Principal, project uuid.UUID) error {
	if err := requireAdmin(p, "disconnect a Microsoft 365 mailbox"); err != nil {
		return err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, project); err != nil {
		return err
	}
	err := a.store.DeleteIntegration(ctx, p.TenantID, store.IntegrationM365, &project)
	if errors.Is(err, store.ErrNotFound) {
		return errNoM365
	}
	return err
}

// M365SignIn starts a delegated sign-in (admin): the URL at Microsoft to
// send the person to, carrying a state that is good once, for 10 minutes,
// and names the project.
func (a *App) M365SignIn(ctx context.Context, p *Principal, project uuid.UUID) (*api.M365SignIn, error) {
	if err := requireAdmin(p, "sign in to a Microsoft 365 mailbox"); err != nil {
		return nil, err
	}
	d, err := a.m365Delegated(ctx, p.TenantID, project)
	if err != nil {
		return nil, err
	}
	state, err := a.store.CreateOAuthState(ctx, p.TenantID, store.OAuthState{ProjectID: &project, UserID: p.UserID,
		Provider: string(store.IntegrationM365), RedirectURL: "/projects/" + project.String() + "/mail"})
	if err != nil {
		return nil, err
	}
	return &api.M365SignIn{URL: d.AuthCodeURL(state), ExpiresAt: a.cfg.now().Add(store.DefaultOAuthStateTTL)}, nil
}

// m365Delegated is the sign-in flow of a project's delegated connection.
func (a *App) m365Delegated(ctx context.Context, tenant, project uuid.UUID) (*m365.Delegated, error) {
	if _, err := a.store.GetProject(ctx, tenant, project); err != nil {
		return nil, err
	}
	in, err := a.store.GetIntegration(ctx, tenant, store.IntegrationM365, &project)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoM365
	}
	if err != nil {
		return nil, err
	}
	s := m365.SettingsOf(in.Config)
	if s.Mode != m365.ModeDelegated {
		return nil, refused("this project's Microsoft 365 mailbox uses app-only access; nobody signs in to it")
	}
	creds, err := a.m365Credentials(ctx, tenant, project)
	if err != nil {
		return nil, err
	}
	return m365.NewDelegated(s.Config(a.cfg.M365, creds.ClientSecret), a.M365RedirectURL())
}

// M365Callback finishes a delegated sign-in with what Microsoft put on the
// redirect: the state (checked and used up) and the code, exchanged for a
// refresh token that is sealed in place of any earlier one. It answers
// where to send the person next. The person must be signed in to Argus in
// the tenant that started the sign-in — as the one who started it, when a
// person did. An error from Microsoft (the person declined) or a stale
// state is an invalid answer naming the problem.
func (a *App) M365Callback(ctx context.Context, p *Principal, q url.Values) (string, error) {
	st, err := a.store.ConsumeOAuthState(ctx, q.Get("state"))
	if errors.Is(err, store.ErrNotFound) {
		return "", invalid("this sign-in link is not known or was already used; start the sign-in again from the project's Mail page")
	}
	if err != nil {
		return "", err
	}
	if st.Provider != string(store.IntegrationM365) || st.ProjectID == nil {
		return "", invalid("this sign-in was not for a Microsoft 365 mailbox")
	}
	if st.TenantID != p.TenantID || (st.UserID != nil && (p.UserID == nil || *st.UserID != *p.UserID)) {
		return "", invalid("this sign-in was started by someone else; start it again from the project's Mail page")
	}
	if e := q.Get("error"); e != "" {
		return "", invalid(fmt.Sprintf("Microsoft did not sign in: %s %s", e, q.Get("error_description")))
	}
	d, err := a.m365Delegated(ctx, st.TenantID, *st.ProjectID)
	if err != nil {
		return "", err
	}
	rt, err := d.Exchange(ctx, q.Get("code"))
	if err != nil {
		return "", invalid(strings.TrimPrefix(err.Error(), "m365: "))
	}
	in, err := a.store.GetIntegration(ctx, st.TenantID, store.IntegrationM365, st.ProjectID)
	if err != nil {
		return "", err
	}
	creds, err := a.m365Credentials(ctx, st.TenantID, *st.ProjectID)
	if err != nil {
		return "", err
	}
	creds.RefreshToken = rt
	if _, err := a.store.PutIntegration(ctx, st.TenantID, store.IntegrationInput{ProjectID: st.ProjectID, Kind: store.IntegrationM365,
		Config: in.Config, Token: creds.Seal()}); err != nil {
		return "", err
	}
	a.cfg.Logger.Info("microsoft 365 mailbox signed in", "tenant", st.TenantID, "project", *st.ProjectID)
	next := st.RedirectURL
	if next == "" {
		next = "/projects/" + st.ProjectID.String() + "/mail"
	}
	return next, nil
}
