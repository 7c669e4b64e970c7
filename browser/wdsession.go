package browser

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/argusqa/argus/browser/webdriver"
)

// closeTimeout bounds the cleanup of a session: deleting the WebDriver
// session plus the provider's OnClose. The product promises a destroyed
// browser within 5 s.
const closeTimeout = 5 * time.Second

// deleteTimeout is the part of closeTimeout the WebDriver Delete Session
// may take, so OnClose (which kills processes or containers for good)
// always keeps time to run.
const deleteTimeout = 3 * time.Second

// wdSession is the Session implementation on top of W3C WebDriver, with
// chromedriver's CDP pass-through for the hot path where available.
type wdSession struct {
	cfg  SessionConfig
	wd   *webdriver.Session
	bidi *webdriver.BiDi
	// cdp: observations and input go through DevTools commands, over
	// devtools when set, else chromedriver's pass-through.
	cdp      bool
	devtools *webdriver.DevTools
	key      string // window property holding the page agent
	logger   *slog.Logger

	console *ring[ConsoleEntry]
	network *ring[NetworkEvent]
	egress  *egressProxy // the browser's only way out; nil without an EgressPolicy

	// closing is cancelled when the session starts closing, which aborts
	// calls in flight.
	closing      context.Context
	cancelClose  context.CancelCauseFunc
	closeDone    chan struct{}
	closeErr     error // result of the cleanup, set before closeDone closes
	mu           sync.Mutex
	closedReason error // ErrSessionClosed or ErrIdleTimeout once closing
	inflight     int
	lastActive   time.Time
	idle         *time.Timer

	obsMu sync.Mutex
	obs   lastObservation

	scMu sync.Mutex
	sc   *screencast // the running screencast, if any
}

// lastObservation is what the session remembers of its latest Observe so
// that an index can be checked before it is acted on.
type lastObservation struct {
	valid bool
	token string
	els   map[int]fingerprint
}

type fingerprint struct {
	Tag  string     `json:"g"`
	Role string     `json:"r"`
	Name string     `json:"n"`
	box  [4]float64 // rounded box at observation time
}

// OpenWebDriver creates a session on the W3C WebDriver endpoint (a
// chromedriver, a Selenium Grid hub, a driver in a container) and returns
// it as a Session.
//
// It asks for a BiDi WebSocket (capability webSocketUrl) to collect console
// messages and network events; the WebSocket URL's host is replaced by the
// endpoint's, because drivers report the address they listen on, which is
// not the one a published container port or a proxy exposes. It then picks
// how observations and input reach the page: a direct DevTools connection
// when the browser's debugging endpoint is reachable and proves to be this
// session's (a driver on this machine), else chromedriver's CDP
// pass-through when it answers, else classic W3C commands (see the package
// documentation).
//
// If anything fails, the WebDriver session is deleted and cfg.OnClose runs
// before the error is returned, so a provider never leaks a browser.
func OpenWebDriver(ctx context.Context, endpoint string, cfg SessionConfig) (Session, error) {
	s, err := openWebDriver(ctx, endpoint, cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func openWebDriver(ctx context.Context, endpoint string, cfg SessionConfig) (*wdSession, error) {
	cfg = cfg.WithDefaults()
	runOnClose := func() {
		if cfg.OnClose == nil {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
		if err := cfg.OnClose(cctx); err != nil {
			cfg.Logger.Warn("browser cleanup after failed start", "session", cfg.Name, "err", err)
		}
	}
	if err := cfg.validate(); err != nil {
		runOnClose()
		return nil, err
	}
	client, err := webdriver.NewClient(endpoint, cfg.HTTPClient)
	if err != nil {
		runOnClose()
		return nil, fmt.Errorf("browser: %w", err)
	}
	network := newRing[NetworkEvent](MaxNetworkEvents)
	var egress *egressProxy
	var proxyArgs []string
	if cfg.Egress != nil {
		if egress, err = startEgressProxy(cfg.EgressProxyListen, cfg.Egress, cfg.Logger, network.add); err != nil {
			runOnClose()
			return nil, err
		}
		proxyArgs = egress.chromeArgs()
		onClose := runOnClose
		runOnClose = func() { onClose(); egress.close() }
	}
	start := time.Now()
	wd, err := client.NewSession(ctx, cfg.capabilities(proxyArgs...))
	if err != nil {
		runOnClose()
		return nil, fmt.Errorf("browser: start session on %s: %w", endpoint, err)
	}
	s := &wdSession{
		cfg:        cfg,
		wd:         wd,
		key:        newAgentKey(),
		logger:     cfg.Logger.With("session", wd.ID()),
		console:    newRing[ConsoleEntry](MaxConsoleEntries),
		network:    network,
		egress:     egress,
		closeDone:  make(chan struct{}),
		lastActive: time.Now(),
	}
	s.closing, s.cancelClose = context.WithCancelCause(context.Background())
	if cfg.Name != "" {
		s.logger = s.logger.With("name", cfg.Name)
	}
	if err := s.setup(ctx, endpoint); err != nil {
		s.mu.Lock()
		s.closedReason = ErrSessionClosed
		s.mu.Unlock()
		s.cleanup(context.WithoutCancel(ctx))
		return nil, err
	}
	if cfg.IdleTimeout > 0 {
		s.idle = time.AfterFunc(cfg.IdleTimeout, s.onIdle)
	}
	s.logger.Info("browser session started", "endpoint", endpoint, "input", s.inputPath(), "bidi", s.bidi != nil,
		"browser_version", wd.Capabilities().BrowserVersion(), "took", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// setup sets the timeouts, connects BiDi and picks the fastest way to reach
// the page. The BiDi connection and its subscription (a WebSocket of its
// own, answered by the driver's BiDi mapper) are made while the classic
// commands run: they are on a new session's start path, which every agent
// waits for.
func (s *wdSession) setup(ctx context.Context, endpoint string) error {
	type bidiResult struct {
		b   *webdriver.BiDi
		err error
	}
	var bidiDone chan bidiResult
	if ws := s.wd.Capabilities().WebSocketURL(); ws != "" && !s.cfg.DisableBiDi {
		wsURL, err := bidiURL(endpoint, ws)
		if err != nil {
			return fmt.Errorf("browser: %w", err)
		}
		bidiDone = make(chan bidiResult, 1)
		go func() {
			b, err := webdriver.DialBiDi(ctx, wsURL, webdriver.BiDiOptions{OnEvent: s.onEvent, HTTPClient: s.cfg.HTTPClient})
			if err != nil {
				bidiDone <- bidiResult{err: fmt.Errorf("browser: connect BiDi for console and network events: %w", err)}
				return
			}
			if err := b.Subscribe(ctx, bidiEvents()...); err != nil {
				bidiDone <- bidiResult{b: b, err: fmt.Errorf("browser: subscribe to BiDi events: %w", err)}
				return
			}
			bidiDone <- bidiResult{b: b}
		}()
	} else if !s.cfg.DisableBiDi {
		s.logger.Warn("endpoint offers no WebDriver BiDi; console and network events will be empty")
	}
	err := s.setupClassic(ctx)
	if bidiDone != nil {
		// Always waited for, so that a failed setup's cleanup closes the
		// connection.
		r := <-bidiDone
		s.bidi = r.b
		err = errors.Join(err, r.err)
	}
	if err != nil {
		return err
	}
	if err := s.applyIdentity(ctx); err != nil {
		return err
	}
	if s.cdp && !s.cfg.DisableDirectCDP && s.bidi != nil {
		s.connectDevTools(ctx, endpoint)
	}
	return nil
}

// setupClassic sets the timeouts and probes the CDP pass-through.
func (s *wdSession) setupClassic(ctx context.Context) error {
	if err := s.wd.SetTimeouts(ctx, webdriver.Timeouts{PageLoad: s.cfg.PageLoadTimeout, Script: s.cfg.ScriptTimeout}); err != nil {
		return fmt.Errorf("browser: set timeouts: %w", err)
	}
	if s.cfg.DisableCDP {
		return nil
	}
	_, err := s.wd.ExecuteCDP(ctx, "Runtime.evaluate", map[string]any{"expression": "1", "returnByValue": true})
	switch {
	case err == nil:
		s.cdp = true
	case unsupported(err):
		s.logger.Info("CDP pass-through unavailable; using classic WebDriver commands", "reason", err)
	default:
		return fmt.Errorf("browser: probe CDP pass-through: %w", err)
	}
	return nil
}

// applyIdentity sets the time zone and the locale of Intl and
// navigator.language for the page, which no command-line flag does
// (the user agent and Accept-Language come from the capabilities). The
// overrides belong to the page's target and last across its navigations.
func (s *wdSession) applyIdentity(ctx context.Context) error {
	id := s.cfg.Identity
	if id.Locale == "" && id.Timezone == "" {
		return nil
	}
	if !s.cdp {
		return errors.New("browser: this endpoint offers no DevTools (CDP pass-through), which a persona's locale or time zone needs")
	}
	if id.Timezone != "" {
		if _, err := s.wd.ExecuteCDP(ctx, "Emulation.setTimezoneOverride", map[string]any{"timezoneId": id.Timezone}); err != nil {
			return fmt.Errorf("browser: set time zone %s: %w", id.Timezone, err)
		}
	}
	if id.Locale != "" {
		if _, err := s.wd.ExecuteCDP(ctx, "Emulation.setLocaleOverride", map[string]any{"locale": id.Locale}); err != nil {
			return fmt.Errorf("browser: set locale %s: %w", id.Locale, err)
		}
	}
	return nil
}

// connectDevTools opens the direct DevTools connection when the browser's
// debugging endpoint is reachable: the WebDriver endpoint is on this
// machine and the address chromedriver reports answers with this session's
// own page target. Anything else keeps the pass-through. BiDi is required
// because its prompt handling answers dialogs, which would otherwise block
// DevTools commands that chromedriver's own dialog handling does not see.
func (s *wdSession) connectDevTools(ctx context.Context, endpoint string) {
	addr := s.wd.Capabilities().DebuggerAddress()
	if addr == "" || !loopbackEndpoint(endpoint) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	handle, err := s.wd.WindowHandle(ctx)
	if err == nil {
		var wsURL string
		if wsURL, err = webdriver.PageTargetURL(ctx, nil, addr, handle); err == nil {
			var dt *webdriver.DevTools
			if dt, err = webdriver.DialDevTools(ctx, wsURL); err == nil {
				if err = dt.Call(ctx, "Runtime.evaluate", map[string]any{"expression": "1", "returnByValue": true}, nil); err == nil {
					s.devtools = dt
					return
				}
				_ = dt.Close()
			}
		}
	}
	s.logger.Debug("direct DevTools connection unavailable; using the CDP pass-through", "reason", err)
}

// loopbackEndpoint reports whether the WebDriver endpoint is on this
// machine, where the browser's debugging address can mean the same host.
func loopbackEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// unsupported reports an answer meaning "this endpoint has no such command".
func unsupported(err error) bool {
	if errors.Is(err, webdriver.ErrUnknownCommand) || errors.Is(err, webdriver.ErrUnknownMethod) || errors.Is(err, webdriver.ErrUnsupportedOperation) {
		return true
	}
	var perr *webdriver.ProtocolError
	return errors.As(err, &perr) && (perr.HTTPStatus == 404 || perr.HTTPStatus == 405)
}

// bidiURL points the driver's WebSocket URL at the endpoint's host and
// port, keeping its path.
func bidiURL(endpoint, ws string) (string, error) {
	e, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("parse endpoint %q: %w", endpoint, err)
	}
	w, err := url.Parse(ws)
	if err != nil {
		return "", fmt.Errorf("parse BiDi URL %q: %w", ws, err)
	}
	w.Host = e.Host
	w.Scheme = "ws"
	if e.Scheme == "https" {
		w.Scheme = "wss"
	}
	w.User = e.User
	return w.String(), nil
}

// inputPath names how observations and input reach the page, for logs.
func (s *wdSession) inputPath() string {
	switch {
	case s.devtools != nil:
		return "devtools"
	case s.cdp:
		return "cdp-pass-through"
	default:
		return "classic"
	}
}

func newAgentKey() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "__argus_" + hex.EncodeToString(b[:])
}

func (s *wdSession) ID() string { return s.wd.ID() }

// begin marks a call in flight and returns its context, which also ends
// when the session starts closing. done must be called when the call ends.
func (s *wdSession) begin(ctx context.Context) (context.Context, func(), error) {
	s.mu.Lock()
	if s.closedReason != nil {
		err := s.closedReason
		s.mu.Unlock()
		return nil, nil, err
	}
	s.inflight++
	s.lastActive = time.Now()
	s.mu.Unlock()
	cctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.closing, func() { cancel(context.Cause(s.closing)) })
	return cctx, func() {
		stop()
		cancel(nil)
		s.mu.Lock()
		s.inflight--
		s.lastActive = time.Now()
		s.mu.Unlock()
	}, nil
}

// fail wraps err with the operation, and with the reason the session was
// closed if that is why it failed.
func (s *wdSession) fail(op string, err error) error {
	s.mu.Lock()
	reason := s.closedReason
	s.mu.Unlock()
	if reason != nil && !errors.Is(err, reason) {
		return fmt.Errorf("browser: %s: %w", op, reason)
	}
	return fmt.Errorf("browser: %s: %w", op, err)
}

// onIdle runs when the idle timer fires. A call in flight or recent
// activity re-arms the timer instead.
func (s *wdSession) onIdle() {
	s.mu.Lock()
	if s.closedReason != nil {
		s.mu.Unlock()
		return
	}
	since := time.Since(s.lastActive)
	if s.inflight > 0 || since < s.cfg.IdleTimeout {
		wait := s.cfg.IdleTimeout - since
		if s.inflight > 0 || wait <= 0 {
			wait = s.cfg.IdleTimeout
		}
		s.idle.Reset(wait)
		s.mu.Unlock()
		return
	}
	s.closedReason = ErrIdleTimeout
	s.mu.Unlock()
	s.logger.Warn("closing idle browser session", "idle_timeout", s.cfg.IdleTimeout)
	s.cleanup(context.Background())
}

func (s *wdSession) Close(ctx context.Context) error {
	s.mu.Lock()
	first := s.closedReason == nil
	if first {
		s.closedReason = ErrSessionClosed
	}
	s.mu.Unlock()
	if first {
		go s.cleanup(context.WithoutCancel(ctx))
	}
	select {
	case <-s.closeDone:
		if first {
			return s.closeErr
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("browser: close session: %w (cleanup continues)", context.Cause(ctx))
	}
}

// cleanup tears the session down once: abort calls in flight, close BiDi,
// delete the WebDriver session, run OnClose. It takes at most closeTimeout.
func (s *wdSession) cleanup(parent context.Context) {
	start := time.Now()
	s.mu.Lock()
	reason := s.closedReason
	s.mu.Unlock()
	s.cancelClose(reason)
	if s.idle != nil {
		s.idle.Stop()
	}
	ctx, cancel := context.WithTimeout(parent, closeTimeout)
	defer cancel()
	var errs []error
	if s.devtools != nil {
		if err := s.devtools.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if s.bidi != nil {
		if err := s.bidi.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	// The driver runs one command per session at a time, so Delete waits
	// behind a call still running in the page (a hung script, a page that
	// never loads). It gets a bounded share of the budget; the provider's
	// OnClose then destroys the browser regardless.
	dctx, dcancel := context.WithTimeout(ctx, deleteTimeout)
	delErr := s.wd.Delete(dctx)
	dcancel()
	if errors.Is(delErr, webdriver.ErrInvalidSessionID) {
		delErr = nil
	}
	if delErr != nil {
		delErr = fmt.Errorf("delete WebDriver session: %w", delErr)
	}
	if s.cfg.OnClose != nil {
		if err := s.cfg.OnClose(ctx); err != nil {
			errs = append(errs, delErr, fmt.Errorf("provider cleanup: %w", err))
		} else if delErr != nil {
			// The provider destroyed the browser; the session is gone.
			s.logger.Warn("WebDriver session not deleted; provider destroyed the browser", "err", delErr)
		}
	} else if delErr != nil {
		errs = append(errs, delErr)
	}
	if s.egress != nil {
		s.egress.close()
	}
	if err := errors.Join(errs...); err != nil {
		s.closeErr = fmt.Errorf("browser: close session: %w", err)
		s.logger.Warn("browser session closed with errors", "err", err, "took", time.Since(start).Round(time.Millisecond))
	} else {
		s.logger.Info("browser session closed", "reason", reason, "took", time.Since(start).Round(time.Millisecond))
	}
	close(s.closeDone)
}
