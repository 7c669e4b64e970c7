package webdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
)

// ErrBiDiClosed is returned by BiDi.Send once the connection is closed.
var ErrBiDiClosed = errors.New("webdriver: bidi connection closed")

// Event is one WebDriver BiDi event, e.g. Method "log.entryAdded".
type Event struct {
	Method string
	Params json.RawMessage
}

// BiDiOptions configures DialBiDi.
type BiDiOptions struct {
	// OnEvent receives every event, one at a time, on the connection's read
	// goroutine. It must return quickly and must not call Send (the answer
	// could never be read while it runs). Nil drops events.
	OnEvent func(Event)
	// HTTPClient is used for the WebSocket handshake. Nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// ReadLimit bounds one incoming message. Zero means 32 MiB: network
	// events carry all headers, which can be large.
	ReadLimit int64
}

// BiDi is a WebDriver BiDi connection (a WebSocket to the URL returned for
// the webSocketUrl capability). It is safe for concurrent use.
type BiDi struct {
	conn    *websocket.Conn
	onEvent func(Event)
	cancel  context.CancelFunc
	nextID  atomic.Int64

	mu      sync.Mutex
	pending map[int64]chan bidiMessage

	done    chan struct{}
	readErr error // set before done is closed
}

type bidiMessage struct {
	Type    string          `json:"type"`
	ID      *int64          `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Stack   string          `json:"stacktrace"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// DialBiDi opens a BiDi connection to wsURL and starts reading from it.
func DialBiDi(ctx context.Context, wsURL string, opts BiDiOptions) (*BiDi, error) {
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: opts.HTTPClient})
	if err != nil {
		return nil, fmt.Errorf("webdriver: dial bidi: %w", err)
	}
	limit := opts.ReadLimit
	if limit <= 0 {
		limit = 32 << 20
	}
	conn.SetReadLimit(limit)
	readCtx, cancel := context.WithCancel(context.Background())
	b := &BiDi{
		conn:    conn,
		onEvent: opts.OnEvent,
		cancel:  cancel,
		pending: make(map[int64]chan bidiMessage),
		done:    make(chan struct{}),
	}
	go b.readLoop(readCtx)
	return b, nil
}

func (b *BiDi) readLoop(ctx context.Context) {
	var err error
	defer func() {
		b.mu.Lock()
		b.readErr = err
		b.pending = nil
		b.mu.Unlock()
		close(b.done)
	}()
	for {
		var data []byte
		_, data, err = b.conn.Read(ctx)
		if err != nil {
			return
		}
		var m bidiMessage
		if json.Unmarshal(data, &m) != nil {
			// A message we cannot parse cannot be routed; the remote end
			// never sends one in practice, so skip it rather than tear
			// the connection down.
			continue
		}
		switch {
		case m.ID != nil:
			b.mu.Lock()
			ch := b.pending[*m.ID]
			delete(b.pending, *m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		case m.Method != "" && b.onEvent != nil:
			b.onEvent(Event{Method: m.Method, Params: m.Params})
		}
	}
}

// Send runs one BiDi command and decodes its result into result (which
// may be nil). Errors from the remote end are *Error values.
func (b *BiDi) Send(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	id := b.nextID.Add(1)
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return fmt.Errorf("webdriver: bidi %s: encode: %w", method, err)
	}
	ch := make(chan bidiMessage, 1)
	b.mu.Lock()
	if b.pending == nil {
		b.mu.Unlock()
		return fmt.Errorf("webdriver: bidi %s: %w", method, ErrBiDiClosed)
	}
	b.pending[id] = ch
	b.mu.Unlock()
	forget := func() {
		b.mu.Lock()
		if b.pending != nil {
			delete(b.pending, id)
		}
		b.mu.Unlock()
	}
	if err := writeText(ctx, b.conn, msg); err != nil {
		forget()
		return fmt.Errorf("webdriver: bidi %s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Type == "error" || m.Error != "" {
			return &Error{Code: m.Error, Message: m.Message, Stacktrace: m.Stack, Command: "bidi " + method}
		}
		if result != nil && len(m.Result) > 0 {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("webdriver: bidi %s: decode: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		forget()
		return fmt.Errorf("webdriver: bidi %s: %w", method, ctx.Err())
	case <-b.done:
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("webdriver: bidi %s: %w", method, err)
		}
		return fmt.Errorf("webdriver: bidi %s: %w", method, ErrBiDiClosed)
	}
}

// Subscribe asks for the given events (e.g. "log.entryAdded") in all
// browsing contexts.
func (b *BiDi) Subscribe(ctx context.Context, events ...string) error {
	return b.Send(ctx, "session.subscribe", map[string]any{"events": events}, nil)
}

// Done is closed when the connection has stopped reading.
func (b *BiDi) Done() <-chan struct{} { return b.done }

// Err returns why the connection stopped, once Done is closed.
func (b *BiDi) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.readErr
}

// Close closes the connection at once and waits for the read goroutine to
// end. It skips the WebSocket closing handshake: callers close BiDi when the
// session ends, and a remote end that never answers the handshake must not
// delay that.
func (b *BiDi) Close() error {
	err := b.conn.CloseNow()
	b.cancel()
	<-b.done
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("webdriver: close bidi: %w", err)
	}
	return nil
}
