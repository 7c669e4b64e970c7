package m365

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Scopes. App-only access asks for the permissions granted to the app
// registration (.default); delegated access asks for Mail.Read on the
// signed-in user's mailbox and offline_access for a refresh token.
var (
	appOnlyScopes   = []string{"https://graph.microsoft.com/.default"}
	delegatedScopes = []string{"offline_access", "https://graph.microsoft.com/Mail.Read"}
)

// AppOnly returns a client that signs in as the app registration itself
// (client credentials) and reads Config.Mailbox.
func AppOnly(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("m365: %w", err)
	}
	if cfg.Mailbox == "" {
		return nil, errors.New("m365: app-only access needs the mailbox to read (Config.Mailbox)")
	}
	cc := clientcredentials.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.tokenURL(), Scopes: appOnlyScopes,
		AuthStyle: oauth2.AuthStyleInParams,
	}
	return newClient(cfg, cc.TokenSource(withHTTP(context.Background(), cfg))), nil
}

// Delegated is the authorization-code flow for one app registration: a
// person signs in at AuthCodeURL, Microsoft redirects back with a code,
// Exchange turns it into a refresh token to keep, and Client reads mail
// with it.
type Delegated struct {
	cfg   Config
	oauth oauth2.Config
}

// NewDelegated prepares the flow; redirectURL is Argus's callback, as
// registered with the app.
func NewDelegated(cfg Config, redirectURL string) (*Delegated, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("m365: %w", err)
	}
	if redirectURL == "" {
		return nil, errors.New("m365: delegated access needs the redirect URL registered with the app")
	}
	return &Delegated{cfg: cfg, oauth: oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: redirectURL, Scopes: delegatedScopes,
		Endpoint: oauth2.Endpoint{AuthURL: cfg.authURL(), TokenURL: cfg.tokenURL(), AuthStyle: oauth2.AuthStyleInParams},
	}}, nil
}

// AuthCodeURL is where to send the person signing in. state must be the
// value from store.CreateOAuthState, valid for 10 minutes, checked again
// by the callback before Exchange.
func (d *Delegated) AuthCodeURL(state string) string {
	return d.oauth.AuthCodeURL(state, oauth2.SetAuthURLParam("prompt", "select_account"))
}

// Exchange trades the callback's code for tokens and returns the refresh
// token, the only credential Argus keeps (sealed). An answer without one
// means offline_access was not granted.
func (d *Delegated) Exchange(ctx context.Context, code string) (string, error) {
	if code == "" {
		return "", errors.New("m365: the callback carries no authorization code")
	}
	tok, err := d.oauth.Exchange(withHTTP(ctx, d.cfg), code)
	if err != nil {
		return "", fmt.Errorf("m365: exchange the authorization code: %w", describe(err))
	}
	if tok.RefreshToken == "" {
		return "", errors.New("m365: Microsoft returned no refresh token; the app must be allowed offline_access")
	}
	return tok.RefreshToken, nil
}

// Client reads mail with a stored refresh token. Microsoft rotates refresh
// tokens: onRotate is called with each new one, so the caller can seal and
// store it in place of the old (nil ignores rotations, which only works
// until the old token expires).
func (d *Delegated) Client(refreshToken string, onRotate func(newRefreshToken string)) (*Client, error) {
	if refreshToken == "" {
		return nil, errors.New("m365: no refresh token: sign in to the mailbox first")
	}
	base := d.oauth.TokenSource(withHTTP(context.Background(), d.cfg), &oauth2.Token{RefreshToken: refreshToken})
	return newClient(d.cfg, &rotating{src: base, last: refreshToken, onRotate: onRotate}), nil
}

// rotating reports refresh tokens that change under it.
type rotating struct {
	mu       sync.Mutex
	src      oauth2.TokenSource
	last     string
	onRotate func(string)
}

func (r *rotating) Token() (*oauth2.Token, error) {
	tok, err := r.src.Token()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	changed := tok.RefreshToken != "" && tok.RefreshToken != r.last
	if changed {
		r.last = tok.RefreshToken
	}
	r.mu.Unlock()
	if changed && r.onRotate != nil {
		r.onRotate(tok.RefreshToken)
	}
	return tok, nil
}

func withHTTP(ctx context.Context, cfg Config) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, cfg.HTTPClient)
}

// describe turns a token endpoint's error into Microsoft's own words
// (error and error_description), without the request or any secret.
func describe(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := re.ErrorCode
		if re.ErrorDescription != "" {
			msg += ": " + re.ErrorDescription
		}
		if msg != "" {
			return fmt.Errorf("%s (HTTP %d)", msg, re.Response.StatusCode)
		}
		return fmt.Errorf("token endpoint answered HTTP %d", re.Response.StatusCode)
	}
	return err
}
