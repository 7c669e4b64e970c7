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
	pending map[int64]chan []byte // raw answer messages, by command id
	done    chan struct{}
	readErr error
}

// devtoolsAnswer decodes an answer message and its result in one pass:
// Result holds the caller's pointer (encoding/json decodes into what a
// non-nil pointer in an interface points at). Observations are tens of
// kilobytes, and every pass over them is on the agent's hot path.
type devtoolsAnswer struct {
	Result any       `json:"result"`
	Error  *CDPError `json:"error"`
}

// AnswerDecoder is a result that can read the answer message itself: a
// hot path that knows the shape of its usual answer decodes it in one pass
// instead of encoding/json's several. DecodeAnswer gets the whole message
// and reports false for anything it does not recognise, which is then
// decoded into the result as usual (so errors and unusual answers keep
// their ordinary handling).
type AnswerDecoder interface {
	DecodeAnswer(msg []byte) bool
}

// devtoolsError decodes only the error of an answer whose result the
// caller does not want.
type devtoolsError struct {
	Error *CDPError `json:"error"`
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
	d := &DevTools{conn: conn, cancel: cancel, pending: make(map[int64]chan []byte), done: make(chan struct{})}
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
		id, ok := answerID(data)
		if !ok {
			continue // events and anything unroutable
		}
		d.mu.Lock()
		ch := d.pending[id]
		delete(d.pending, id)
		d.mu.Unlock()
		if ch != nil {
			ch <- data
		}
	}
}

// answerID returns the id of an answer message. Chrome writes the id
// first ({"id":12,"result":...}), which is read without decoding the rest
// (the caller decodes it once, into its own result); anything else is
// decoded in full. Events have no id.
func answerID(data []byte) (int64, bool) {
	const prefix = `{"id":`
	if len(data) > len(prefix) && string(data[:len(prefix)]) == prefix {
		var id int64
		i := len(prefix)
		for ; i < len(data) && data[i] >= '0' && data[i] <= '9' && i < len(prefix)+18; i++ {
			id = id*10 + int64(data[i]-'0')
		}
		if i > len(prefix) && i < len(data) && (data[i] == ',' || data[i] == '}') {
			return id, true
		}
	}
	var m struct {
		ID *int64 `json:"id"`
	}
	if json.Unmarshal(data, &m) != nil || m.ID == nil {
		return 0, false
	}
	return *m.ID, true
}

// Call sends one command and decodes its result into result (may be nil).
func (d *DevTools) Call(ctx context.Context, method string, params, result any) error {
	p, err := d.send(ctx, method, params)
	if err != nil {
		return err
	}
	return d.wait(ctx, p, result)
}

// Command is one DevTools command of a Pipeline.
type Command struct {
	Method string
	Params any
	Result any // where its result is decoded; may be nil
}

// Pipeline sends the commands one after the other without waiting for
// their answers in between, then waits for every answer. The browser runs
// a target's commands in the order they arrive, so this is Call after
// Call with one round trip instead of len(cmds). It returns the first
// command's error, by order, after all answers are in (or ctx ended).
func (d *DevTools) Pipeline(ctx context.Context, cmds ...Command) error {
	sent := make([]pendingCall, 0, len(cmds))
	var first error
	for _, c := range cmds {
		p, err := d.send(ctx, c.Method, c.Params)
		if err != nil {
			first = err
			break
		}
		sent = append(sent, p)
	}
	for i, p := range sent {
		if err := d.wait(ctx, p, cmds[i].Result); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// pendingCall is a command written to the connection whose answer is due.
type pendingCall struct {
	id     int64
	method string
	ch     chan []byte
}

func (d *DevTools) send(ctx context.Context, method string, params any) (pendingCall, error) {
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
		return pendingCall{}, fmt.Errorf("devtools: %s: encode: %w", method, err)
	}
	p := pendingCall{id: id, method: method, ch: make(chan []byte, 1)}
	d.mu.Lock()
	if d.pending == nil {
		d.mu.Unlock()
		return pendingCall{}, fmt.Errorf("devtools: %s: %w", method, ErrDevToolsClosed)
	}
	d.pending[id] = p.ch
	d.mu.Unlock()
	if err := writeText(ctx, d.conn, msg); err != nil {
		d.forget(id)
		return pendingCall{}, fmt.Errorf("devtools: %s: %w", method, err)
	}
	return p, nil
}

func (d *DevTools) forget(id int64) {
	d.mu.Lock()
	if d.pending != nil {
		delete(d.pending, id)
	}
	d.mu.Unlock()
}

// wait waits for p's answer and decodes its result into result.
func (d *DevTools) wait(ctx context.Context, p pendingCall, result any) error {
	select {
	case data := <-p.ch:
		if d, ok := result.(AnswerDecoder); ok && d.DecodeAnswer(data) {
			return nil
		}
		var cerr *CDPError
		if result != nil {
			a := devtoolsAnswer{Result: result}
			if err := json.Unmarshal(data, &a); err != nil {
				return fmt.Errorf("devtools: %s: decode: %w", p.method, err)
			}
			cerr = a.Error
		} else {
			var a devtoolsError
			if err := json.Unmarshal(data, &a); err != nil {
				return fmt.Errorf("devtools: %s: decode: %w", p.method, err)
			}
			cerr = a.Error
		}
		if cerr != nil {
			cerr.Method = p.method
			return cerr
		}
		return nil
	case <-ctx.Done():
		d.forget(p.id)
		return fmt.Errorf("devtools: %s: %w", p.method, ctx.Err())
	case <-d.done:
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("devtools: %s: %w", p.method, err)
		}
		return fmt.Errorf("devtools: %s: %w", p.method, ErrDevToolsClosed)
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
