package config

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Settings of the GitHub App that opens issues for failing tests. The App
// is configured once per Argus installation; each project names its
// installation and repository in its settings.
//
// The private key is a setting rather than a sealed database row: the key
// that would seal it (ARGUS_SECRET_KEY) comes from the same environment,
// so sealing would add a step without adding protection, and the App is
// global, not a tenant's, so it fits none of the tenant-scoped tables. Keep
// it where ARGUS_SECRET_KEY is kept (a secret manager or a mounted file);
// Argus holds it in memory only, and installation tokens minted with it are
// never stored.
var (
	GitHubAppID = Setting{
		Env: "ARGUS_GITHUB_APP_ID", Flag: "github-app-id",
		Usage: "id of the GitHub App that opens issues for failing tests; empty turns GitHub issues off", Example: "123456",
		apply: func(c *Config, raw string) error {
			c.GitHubAppID = 0
			if raw == "" {
				return nil
			}
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || n <= 0 {
				return errors.New("must be the App's numeric id")
			}
			c.GitHubAppID = n
			return nil
		},
	}
	GitHubAppPrivateKey = Setting{
		Env: "ARGUS_GITHUB_APP_PRIVATE_KEY", Flag: "github-app-private-key", Secret: true,
		Usage:   "the GitHub App's private key: the PEM text, base64 of it, or the path of the .pem file GitHub gave you",
		Example: "/run/secrets/github-app.pem",
		apply: func(c *Config, raw string) error {
			c.GitHubAppPrivateKey = nil
			if raw == "" {
				return nil
			}
			key, err := readPrivateKey(raw)
			if err != nil {
				return err
			}
			c.GitHubAppPrivateKey = key
			return nil
		},
	}
	GitHubAPIURL = Setting{
		Env: "ARGUS_GITHUB_API_URL", Flag: "github-api-url", Default: "https://api.github.com/",
		Usage: "GitHub REST API base URL; for GitHub Enterprise Server https://HOST/api/v3/", Example: "https://github.example.com/api/v3/",
		apply: func(c *Config, raw string) error {
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
				return errors.New("must be an absolute http(s) URL without credentials")
			}
			c.GitHubAPIURL = raw
			return nil
		},
	}
)

// readPrivateKey accepts PEM text (with real or escaped newlines, as some
// secret stores flatten them), base64 of PEM, or a file path, and checks it
// is an RSA key. Errors never quote the value.
func readPrivateKey(raw string) ([]byte, error) {
	var p []byte
	switch {
	case strings.HasPrefix(raw, "-----BEGIN"):
		p = []byte(strings.ReplaceAll(raw, `\n`, "\n"))
	default:
		if b, err := base64.StdEncoding.DecodeString(raw); err == nil && strings.HasPrefix(string(b), "-----BEGIN") {
			p = b
			break
		}
		b, err := os.ReadFile(raw)
		if err != nil {
			return nil, errors.New("is neither PEM text, base64 of PEM, nor a readable file")
		}
		p = b
	}
	block, _ := pem.Decode(p)
	if block == nil {
		return nil, errors.New("does not contain a PEM block")
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return p, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("is not an RSA private key in PKCS #1 or PKCS #8 form")
	}
	if _, ok := k.(*rsa.PrivateKey); !ok {
		return nil, errors.New("is not an RSA key; GitHub Apps use RSA")
	}
	return p, nil
}
