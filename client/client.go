// Package client is a Go client for Argus's REST API (/api/v1), used by
// `argus run --server` to run tests on a shared Argus server from CI.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/api"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the server, e.g. https://argus.example.com. Required.
	BaseURL string
	// APIKey is an Argus API key (argus_…), sent as a bearer token.
	// Required.
	APIKey string
	// HTTPClient carries the requests. Default: a client with a 60 s
	// timeout for ordinary calls; event streams use no overall timeout.
	HTTPClient *http.Client
	// UserAgent identifies the caller. Default "argus-cli".
	UserAgent string
}

// Client talks to one Argus server.
type Client struct {
	base   *url.URL
	key    string
	http   *http.Client
	stream *http.Client
	ua     string
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q must be an absolute http(s) URL", cfg.BaseURL)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("an API key is required: create one in the web UI (API keys) or with `argus admin create-key`, and set ARGUS_API_KEY")
	}
	c := &Client{base: u, key: cfg.APIKey, http: cfg.HTTPClient, ua: cfg.UserAgent}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
		c.stream = &http.Client{}
	} else {
		c.stream = c.http
	}
	if c.ua == "" {
		c.ua = "argus-cli"
	}
	return c, nil
}

// Problem is an error answer of the API (application/problem+json).
type Problem = api.Problem

// FieldProblem is a problem with one field of a request.
type FieldProblem = api.FieldError

// IsClientError reports whether err is a 4xx answer: the request, not the
// server, is at fault.
func IsClientError(err error) bool {
	var p *Problem
	return errors.As(err, &p) && p.Status >= 400 && p.Status < 500
}

// do sends a JSON request and decodes a JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, header http.Header, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	c.authorize(req)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return readProblem(resp)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

func (c *Client) authorize(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("User-Agent", c.ua)
}

func readProblem(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	p := &Problem{Status: resp.StatusCode}
	if err := json.Unmarshal(data, p); err != nil || p.Title == "" {
		p.Title = http.StatusText(resp.StatusCode)
		if text := strings.TrimSpace(string(data)); text != "" && len(text) < 300 {
			p.Detail = text
		}
	}
	p.Status = resp.StatusCode
	if resp.StatusCode == http.StatusUnauthorized {
		p.Detail = strings.TrimSpace(p.Detail + " (check ARGUS_API_KEY: it may be wrong, expired or revoked)")
	}
	return p
}
