package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Screencaster is a Session that can stream what its page shows. Sessions
// opened by OpenWebDriver on an endpoint with WebDriver BiDi are
// Screencasters; others (and fakes) are not, which callers treat as "no
// video on this browser".
type Screencaster interface {
	// Screencast starts sending the page's frames to onFrame, one at a
	// time and in order, on a goroutine of its own, until stop is called
	// or the session closes. onFrame must not call back into the session.
	Screencast(ctx context.Context, opts ScreencastOptions, onFrame func(Frame)) (stop func(context.Context) error, err error)
}

// ScreencastOptions tune Screencast. Zero values mean the defaults.
type ScreencastOptions struct {
	// Quality is the JPEG quality, 1–100. Default 60: text stays legible
	// at a third of the size of quality 90.
	Quality int
	// MaxWidth and MaxHeight bound a frame in device pixels; the browser
	// scales larger viewports down. Default the default viewport.
	MaxWidth, MaxHeight int
}

// Frame is one screencast frame: a JPEG image of the viewport and when it
// was painted.
type Frame struct {
	JPEG []byte
	Time time.Time
}

// ErrNoScreencast: the session's endpoint cannot stream frames (no BiDi,
// or a driver without the goog:cdp extension).
var ErrNoScreencast = errors.New("browser: this browser cannot stream its screen (needs WebDriver BiDi with goog:cdp)")

// frameBacklog bounds the frames waiting for onFrame. Chromium sends the
// next frame only after the previous one is acknowledged, which happens
// after onFrame, so the backlog stays at one in practice.
const frameBacklog = 4

const eventScreencastFrame = "goog:cdp.Page.screencastFrame"

// screencast is the state of a running screencast of a wdSession.
type screencast struct {
	cdpSession string
	frames     chan screencastFrame
	done       chan struct{}
}

type screencastFrame struct {
	data  string // base64 JPEG
	ackID int
	paint float64 // seconds since the epoch
}

// Screencast streams the page through Chromium's Page.startScreencast over
// BiDi's goog:cdp commands and events, which reach the browser wherever the
// BiDi WebSocket does (a local driver, a container's published port),
// unlike the DevTools endpoint itself.
func (s *wdSession) Screencast(ctx context.Context, opts ScreencastOptions, onFrame func(Frame)) (func(context.Context) error, error) {
	if s.bidi == nil {
		return nil, ErrNoScreencast
	}
	if opts.Quality <= 0 || opts.Quality > 100 {
		opts.Quality = 60
	}
	if opts.MaxWidth <= 0 {
		opts.MaxWidth = DefaultWidth
	}
	if opts.MaxHeight <= 0 {
		opts.MaxHeight = DefaultHeight
	}
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	handle, err := s.wd.WindowHandle(ctx)
	if err != nil {
		return nil, s.fail("screencast", err)
	}
	var got struct {
		Session string `json:"session"`
	}
	if err := s.bidi.Send(ctx, "goog:cdp.getSession", map[string]any{"context": handle}, &got); err != nil {
		if unsupported(err) {
			return nil, ErrNoScreencast
		}
		return nil, s.fail("screencast", err)
	}
	sc := &screencast{cdpSession: got.Session, frames: make(chan screencastFrame, frameBacklog), done: make(chan struct{})}
	s.scMu.Lock()
	if s.sc != nil {
		s.scMu.Unlock()
		return nil, errors.New("browser: a screencast is already running on this session")
	}
	s.sc = sc
	s.scMu.Unlock()
	forget := func() {
		s.scMu.Lock()
		if s.sc == sc {
			s.sc = nil
		}
		s.scMu.Unlock()
	}
	if err := s.bidi.Subscribe(ctx, eventScreencastFrame); err != nil {
		forget()
		return nil, s.fail("screencast", err)
	}
	if err := s.cdpViaBiDi(ctx, sc.cdpSession, "Page.startScreencast", map[string]any{
		"format": "jpeg", "quality": opts.Quality, "maxWidth": opts.MaxWidth, "maxHeight": opts.MaxHeight, "everyNthFrame": 1,
	}); err != nil {
		forget()
		return nil, s.fail("screencast", err)
	}
	go s.deliverFrames(sc, onFrame)
	var once sync.Once
	stop := func(ctx context.Context) error {
		var err error
		once.Do(func() {
			// Stopping is best effort: a closed session sends no more
			// frames anyway.
			if cctx, done, berr := s.begin(ctx); berr == nil {
				err = s.cdpViaBiDi(cctx, sc.cdpSession, "Page.stopScreencast", nil)
				done()
			}
			forget()
			close(sc.done)
		})
		return err
	}
	return stop, nil
}

// deliverFrames hands frames to onFrame and acknowledges each afterwards,
// off the BiDi read goroutine (which must never wait on a command).
func (s *wdSession) deliverFrames(sc *screencast, onFrame func(Frame)) {
	for {
		select {
		case <-sc.done:
			return
		case <-s.closing.Done():
			return
		case f := <-sc.frames:
			data, err := base64.StdEncoding.DecodeString(f.data)
			if err == nil {
				t := time.Now()
				if f.paint > 0 {
					t = time.Unix(0, int64(f.paint*float64(time.Second)))
				}
				onFrame(Frame{JPEG: data, Time: t})
			}
			ctx, cancel := context.WithTimeout(s.closing, 5*time.Second)
			if err := s.cdpViaBiDi(ctx, sc.cdpSession, "Page.screencastFrameAck", map[string]any{"sessionId": f.ackID}); err != nil && s.closing.Err() == nil {
				s.logger.Debug("screencast frame not acknowledged", "err", err)
			}
			cancel()
		}
	}
}

// onScreencastFrame runs on the BiDi read goroutine.
func (s *wdSession) onScreencastFrame(params json.RawMessage) {
	var ev struct {
		Params struct {
			Data      string `json:"data"`
			SessionID int    `json:"sessionId"`
			Metadata  struct {
				Timestamp float64 `json:"timestamp"`
			} `json:"metadata"`
		} `json:"params"`
		Session string `json:"session"`
	}
	if json.Unmarshal(params, &ev) != nil {
		return
	}
	s.scMu.Lock()
	sc := s.sc
	s.scMu.Unlock()
	if sc == nil || ev.Session != sc.cdpSession {
		return
	}
	select {
	case sc.frames <- screencastFrame{data: ev.Params.Data, ackID: ev.Params.SessionID, paint: ev.Params.Metadata.Timestamp}:
	default:
		// Unacknowledged frames are not resent, so dropping one only
		// lowers the frame rate.
	}
}

// cdpViaBiDi sends one DevTools command to a CDP session through BiDi.
func (s *wdSession) cdpViaBiDi(ctx context.Context, cdpSession, method string, params any) error {
	if params == nil {
		params = struct{}{}
	}
	if err := s.bidi.Send(ctx, "goog:cdp.sendCommand", map[string]any{"method": method, "params": params, "session": cdpSession}, nil); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}
