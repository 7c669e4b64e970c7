package webdriver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponseBytes bounds what the client reads from one response. Page
// sources and full-page screenshots stay far below it; a misbehaving remote
// end cannot make the process allocate without limit.
const maxResponseBytes = 64 << 20

// Client talks to one WebDriver remote end (chromedriver, a Selenium Grid
// hub, a driver in a container). It is safe for concurrent use.
type Client struct {
	endpoint string
	http     *http.Client
}

// NewClient returns a client for the remote end at endpoint, e.g.
// "http://127.0.0.1:9515" or "http://grid:4444/wd/hub". A nil httpClient
// means a dedicated client with keep-alive connections and no overall
// timeout: deadlines come from each call's context.
func NewClient(endpoint string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("webdriver endpoint %q: %w", endpoint, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webdriver endpoint %q: want an http(s) URL with a host", endpoint)
	}
	if httpClient == nil {
		httpClient = &http.Client{Transport: NewTransport()}
	}
	return &Client{endpoint: strings.TrimRight(endpoint, "/"), http: httpClient}, nil
}

// NewTransport returns the HTTP transport NewClient uses by default: no
// proxy from the environment (remote ends are addressed directly), small
// dial timeout, and enough idle connections for one session's commands and
// a concurrent Close.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        32,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// Endpoint returns the remote end's URL without a trailing slash.
func (c *Client) Endpoint() string { return c.endpoint }

// Status is the answer to GET /status.
type Status struct {
	Ready   bool   `json:"ready"`
	Message string `json:"message"`
}

// Status asks the remote end whether it can create new sessions.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var st Status
	err := c.do(ctx, http.MethodGet, "/status", nil, &st)
	return st, err
}

// do sends one command and decodes the "value" member of the answer into
// out (if out is non-nil). path is relative to the endpoint.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	command := method + " " + commandPath(path)
	var rd io.Reader
	if method == http.MethodPost {
		// W3C requires a JSON object body on every POST, even without
		// parameters.
		if body == nil {
			rd = strings.NewReader("{}")
		} else {
			buf, err := json.Marshal(body)
			if err != nil {
				return fmt.Errorf("webdriver: %s: encode request: %w", command, err)
			}
			rd = bytes.NewReader(buf)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+path, rd)
	if err != nil {
		return fmt.Errorf("webdriver: %s: %w", command, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver: %s: %w", command, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("webdriver: %s: read response: %w", command, err)
	}
	if len(data) > maxResponseBytes {
		return fmt.Errorf("webdriver: %s: response larger than %d bytes", command, maxResponseBytes)
	}
	// Success answers (W3C sends every error with a 4xx/5xx status) decode
	// straight into out in one pass: observations are tens of kilobytes and
	// sit on the agent's hot path.
	if resp.StatusCode < 400 && out != nil {
		if _, raw := out.(*json.RawMessage); !raw {
			wrapper := struct {
				Value any `json:"value"`
			}{Value: out}
			if err := json.Unmarshal(data, &wrapper); err != nil {
				if !json.Valid(data) {
					return &ProtocolError{Command: command, HTTPStatus: resp.StatusCode, Body: snippet(data)}
				}
				return fmt.Errorf("webdriver: %s: decode response: %w", command, err)
			}
			return nil
		}
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return &ProtocolError{Command: command, HTTPStatus: resp.StatusCode, Body: snippet(data)}
	}
	if werr := errorFromValue(env.Value, resp.StatusCode, command); werr != nil {
		return werr
	}
	if resp.StatusCode >= 400 {
		return &ProtocolError{Command: command, HTTPStatus: resp.StatusCode, Body: snippet(data)}
	}
	if out == nil || len(env.Value) == 0 {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = env.Value
		return nil
	}
	if err := json.Unmarshal(env.Value, out); err != nil {
		return fmt.Errorf("webdriver: %s: decode response: %w", command, err)
	}
	return nil
}

// commandPath replaces the session id in a path by "{id}" so that error
// messages name the command, not the session.
func commandPath(p string) string {
	const prefix = "/session/"
	if !strings.HasPrefix(p, prefix) {
		return p
	}
	rest := p[len(prefix):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return prefix + "{id}" + rest[i:]
	}
	return prefix + "{id}"
}

func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// IsConnectionError reports whether err means the remote end could not be
// reached at all (refused, reset, DNS), as opposed to an answer it gave.
func IsConnectionError(err error) bool {
	var werr *Error
	var perr *ProtocolError
	if errors.As(err, &werr) || errors.As(err, &perr) {
		return false
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}
