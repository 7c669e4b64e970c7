package m365

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Defaults, from the trust-center spec: Microsoft 365 mail is read for the
// last 10 minutes, at most 5 results per query.
const (
	DefaultWindow     = 10 * time.Minute
	DefaultMaxResults = 5
	// MaxResultsCap bounds MaxResults: a test reads the mail it just caused,
	// never a mailbox's history.
	MaxResultsCap = 25
	// DefaultAuthority and DefaultGraphURL are Microsoft's public cloud.
	DefaultAuthority = "https://login.microsoftonline.com"
	DefaultGraphURL  = "https://graph.microsoft.com/v1.0"
	// DefaultTimeout bounds one Graph or token call.
	DefaultTimeout = 30 * time.Second
)

// Config says which mailbox to read and how to reach Microsoft. The zero
// values of the optional fields are their documented defaults.
type Config struct {
	// TenantID is the Entra ID directory: its GUID or a verified domain
	// (contoso.onmicrosoft.com). Required.
	TenantID string
	// ClientID is the app registration's application (client) id. Required.
	ClientID string
	// ClientSecret is the app registration's client secret. Required.
	ClientSecret string
	// Mailbox is the user whose messages are read: an object id or a user
	// principal name (qa-inbox@contoso.com). Required for app-only access;
	// delegated access reads the signed-in user's own mailbox ("me") when
	// it is empty.
	Mailbox string
	// Window is how far back a query looks; 0 means DefaultWindow (10 min).
	Window time.Duration
	// MaxResults is the most messages one query returns; 0 means
	// DefaultMaxResults (5), at most MaxResultsCap.
	MaxResults int
	// Authority is the sign-in endpoint's base; "" means DefaultAuthority.
	// Tests point it at a fake token endpoint.
	Authority string
	// GraphURL is Graph's base, with its version; "" means DefaultGraphURL.
	GraphURL string
	// HTTPClient carries token and Graph calls; nil means a client with
	// DefaultTimeout.
	HTTPClient *http.Client
	// Logger receives request outcomes, never message content; nil
	// discards.
	Logger *slog.Logger
	// Now is the clock queries measure their window from; nil means
	// time.Now.
	Now func() time.Time
}

var tenantRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$`)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.MaxResults == 0 {
		c.MaxResults = DefaultMaxResults
	}
	if c.Authority == "" {
		c.Authority = DefaultAuthority
	}
	if c.GraphURL == "" {
		c.GraphURL = DefaultGraphURL
	}
	c.Authority = strings.TrimRight(c.Authority, "/")
	c.GraphURL = strings.TrimRight(c.GraphURL, "/")
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports what is missing or malformed, field by field.
func (c Config) Validate() error {
	var errs []error
	if !tenantRe.MatchString(c.TenantID) {
		errs = append(errs, errors.New("tenant id: the directory's GUID or domain, e.g. contoso.onmicrosoft.com"))
	}
	if strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, errors.New("client id: the app registration's application (client) id is required"))
	}
	if c.ClientSecret == "" {
		errs = append(errs, errors.New("client secret: the app registration's client secret is required"))
	}
	if strings.ContainsAny(c.Mailbox, "/?#% ") {
		errs = append(errs, errors.New("mailbox: a user principal name or object id, e.g. qa-inbox@contoso.com"))
	}
	if c.Window < 0 || c.Window > 24*time.Hour {
		errs = append(errs, errors.New("window: between 1 second and 24 hours"))
	}
	if c.MaxResults < 0 || c.MaxResults > MaxResultsCap {
		errs = append(errs, errors.New("max results: between 1 and 25"))
	}
	for name, u := range map[string]string{"authority": c.Authority, "graph url": c.GraphURL} {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			errs = append(errs, errors.New(name+": an http(s) URL"))
		}
	}
	return errors.Join(errs...)
}

func (c Config) tokenURL() string {
	return c.Authority + "/" + url.PathEscape(c.TenantID) + "/oauth2/v2.0/token"
}

func (c Config) authURL() string {
	return c.Authority + "/" + url.PathEscape(c.TenantID) + "/oauth2/v2.0/authorize"
}
