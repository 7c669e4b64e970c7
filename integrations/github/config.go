package github

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/internal/outbound"
)

// DefaultAPIURL is GitHub's REST API.
const DefaultAPIURL = "https://api.github.com/"

// Config configures a Reporter: the GitHub App, set once per installation
// of Argus.
type Config struct {
	// AppID is the GitHub App's id. Required.
	AppID int64
	// PrivateKey is the App's private key, PEM (PKCS #1 or #8, RSA), as
	// GitHub hands it out. Required.
	PrivateKey []byte

	// APIURL is the REST API's base URL: GitHub Enterprise Server's
	// "https://ghe.example.com/api/v3/", or a test server. Default
	// DefaultAPIURL.
	APIURL string

	// Labels are put on every issue Argus opens; the first one is also how
	// Argus finds its open issues, so keep it stable. A second label
	// names the verdict ("argus:failed" or "argus:error") unless
	// NoVerdictLabel is set. Default ["argus"].
	Labels []string
	// NoVerdictLabel leaves out the "argus:<verdict>" label.
	NoVerdictLabel bool

	// MaxIssuePages bounds the pages (of 100) of open labelled issues read
	// to find a test's issue. Default 10.
	MaxIssuePages int

	// Timeout bounds each HTTP request to GitHub. Default 30 s.
	Timeout time.Duration

	// Transport carries the requests. Default outbound.Transport (the
	// spec's connection pool).
	Transport http.RoundTripper

	// Logger receives one line per report. Default slog.Default().
	Logger *slog.Logger
}

// WithDefaults returns cfg with zero fields set to their defaults.
func (cfg Config) WithDefaults() Config {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if len(cfg.Labels) == 0 {
		cfg.Labels = []string{"argus"}
	}
	if cfg.MaxIssuePages <= 0 {
		cfg.MaxIssuePages = 10
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Transport == nil {
		cfg.Transport = outbound.Transport
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

func (cfg Config) validate() (*rsa.PrivateKey, error) {
	if cfg.AppID <= 0 {
		return nil, errors.New("github: app id must be a positive number")
	}
	u, err := url.Parse(cfg.APIURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("github: API URL %q is not an http(s) URL", cfg.APIURL)
	}
	for _, l := range cfg.Labels {
		if strings.TrimSpace(l) == "" || len(l) > 50 {
			return nil, fmt.Errorf("github: label %q must be 1 to 50 characters", l)
		}
	}
	return ParsePrivateKey(cfg.PrivateKey)
}

// ParsePrivateKey reads a GitHub App private key: RSA in PEM, PKCS #1
// ("BEGIN RSA PRIVATE KEY", what GitHub downloads) or PKCS #8. Errors never
// quote the key.
func ParsePrivateKey(p []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(p)
	if block == nil {
		return nil, errors.New("github: private key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("github: private key is neither a PKCS #1 nor a PKCS #8 key")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("github: private key is %T, GitHub Apps use RSA", k)
	}
	return rk, nil
}
