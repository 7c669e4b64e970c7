package webdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// DevTools is a direct Chrome DevTools Protocol connection to one page
// target, next to the WebDriver session that owns the browser. It skips
// the driver's per-command work (about 4 ms per command in chromedriver
// 156), which matters on the agent's hot path. It is safe for concurrent
// use. Events are not delivered; commands only.
type DevTools struct {
	conn   *websocket.Conn
	cancel context.CancelFunc
	nextID atomic.Int64

	mu      sync.Mutex
	pending map[int64]chan devtoolsMessage
	done    chan struct{}
	readErr error
}

type devtoolsMessage struct {
	ID     *int64          `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *CDPError       `json:"error"`
}

// CDPError is an error answer to a DevTools command.
type CDPError struct {
	Method  string `json:"-"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *CDPError) Error() string {
	msg := fmt.Sprintf("devtools: %s: %s (%d)", e.Method, e.Message, e.Code)
	if e.Data != "" {
		msg += ": " + e.Data
	}
	return msg
}

// ErrDevToolsClosed is returned by DevTools.Call once the connection is closed.
var ErrDevToolsClosed = errors.New("webdriver: devtools connection closed")

// DebuggerAddress returns the host:port of the browser's DevTools endpoint
// as chromedriver reports it (capability goog:chromeOptions.debuggerAddress),
// or "".
func (c Capabilities) DebuggerAddress() string {
	opts, _ := c["goog:chromeOptions"].(map[string]any)
	s, _ := opts["debuggerAddress"].(string)
	return s
}

// PageTargetURL asks the DevTools HTTP endpoint at addr for the page target
// with the given id (chromedriver's window handles are target ids) and
// returns its WebSocket URL. Finding the id proves that addr belongs to the
// session's own browser, not to some other process listening there.
func PageTargetURL(ctx context.Context, httpClient *http.Client, addr, targetID string) (string, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", fmt.Errorf("webdriver: debugger address %q: %w", addr, err)
	}
	if httpClient == nil {
		httpClient = &http.Client{Transport: NewTransport(), Timeout: 5 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/json/list", nil)
	if err != nil {
		return "", err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("webdriver: list devtools targets: %w", err)
	}
	defer resp.Body.Close()
	var targets []struct {
		ID                   string `json:"id"`
		Type                 string `json:"type"`
		WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&targets); err != nil {
		return "", fmt.Errorf("webdriver: list devtools targets: %w", err)
	}
	for _, t := range targets {
		if t.ID == targetID && t.Type == "page" && t.WebSocketDebuggerURL != "" {
			u, err := url.Parse(t.WebSocketDebuggerURL)
			if err != nil {
				return "", fmt.Errorf("webdriver: devtools target URL: %w", err)
			}
			// Chrome names itself by the address it was asked on; keep
			// the one that answered.
			u.Host = addr
			return u.String(), nil
		}
	}
	return "", fmt.Errorf("webdriver: no page target %s at %s", targetID, addr)
}

// DialDevTools connects to a page target's WebSocket URL.
func DialDevTools(ctx context.Context, wsURL string) (*DevTools, error) {
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("webdriver: dial devtools: %w", err)
	}
	conn.SetReadLimit(64 << 20)
	readCtx, cancel := context.WithCancel(context.Background())
	d := &DevTools{conn: conn, cancel: cancel, pending: make(map[int64]chan devtoolsMessage), done: make(chan struct{})}
	go d.readLoop(readCtx)
	return d, nil
}

func (d *DevTools) readLoop(ctx context.Context) {
	var err error
	defer func() {
		d.mu.Lock()
		d.readErr = err
		d.pending = nil
		d.mu.Unlock()
		close(d.done)
	}()
	for {
		var data []byte
		if _, data, err = d.conn.Read(ctx); err != nil {
			return
		}
		var m devtoolsMessage
		if json.Unmarshal(data, &m) != nil || m.ID == nil {
			continue // events and anything unroutable
		}
		d.mu.Lock()
		ch := d.pending[*m.ID]
		delete(d.pending, *m.ID)
		d.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// Call sends one command and decodes its result into result (may be nil).
func (d *DevTools) Call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	id := d.nextID.Add(1)
	msg, err := json.Marshal(struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params"`
	}{id, method, params})
	if err != nil {
		return fmt.Errorf("devtools: %s: encode: %w", method, err)
	}
	ch := make(chan devtoolsMessage, 1)
	d.mu.Lock()
	if d.pending == nil {
		d.mu.Unlock()
		return fmt.Errorf("devtools: %s: %w", method, ErrDevToolsClosed)
	}
	d.pending[id] = ch
	d.mu.Unlock()
	forget := func() {
		d.mu.Lock()
		if d.pending != nil {
			delete(d.pending, id)
		}
		d.mu.Unlock()
	}
	if err := writeText(ctx, d.conn, msg); err != nil {
		forget()
		return fmt.Errorf("devtools: %s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			m.Error.Method = method
			return m.Error
		}
		if result != nil && len(m.Result) > 0 {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("devtools: %s: decode: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		forget()
		return fmt.Errorf("devtools: %s: %w", method, ctx.Err())
	case <-d.done:
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("devtools: %s: %w", method, err)
		}
		return fmt.Errorf("devtools: %s: %w", method, ErrDevToolsClosed)
	}
}

// Done is closed when the connection has stopped reading (the page or the
// browser went away, or Close).
func (d *DevTools) Done() <-chan struct{} { return d.done }

// Close closes the connection at once and waits for its reader to end.
func (d *DevTools) Close() error {
	err := d.conn.CloseNow()
	d.cancel()
	<-d.done
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("webdriver: close devtools: %w", err)
	}
	return nil
}
