package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/browser"
)

// fakeProvider hands out instant in-memory sessions and counts how many
// are open at once. It stands in for a browser where the browser is not
// what a test is about (concurrency, retries, the benchmark).
type fakeProvider struct {
	// hold is how long each Navigate takes, so sessions overlap.
	hold time.Duration
	// failAcquire is how many Acquire calls fail before they succeed
	// (-1: all of them).
	failAcquire atomic.Int64

	acquires atomic.Int64
	open     atomic.Int64
	maxOpen  atomic.Int64
	// started receives the agent id of each session acquired, if set.
	started chan string
}

func (p *fakeProvider) Acquire(ctx context.Context, opts browser.AcquireOptions) (browser.Session, error) {
	p.acquires.Add(1)
	if f := p.failAcquire.Load(); f != 0 {
		if f > 0 {
			p.failAcquire.Add(-1)
		}
		return nil, errors.New("fake: chromium would not start")
	}
	n := p.open.Add(1)
	for {
		m := p.maxOpen.Load()
		if n <= m || p.maxOpen.CompareAndSwap(m, n) {
			break
		}
	}
	if p.started != nil {
		select {
		case p.started <- opts.AgentID:
		case <-ctx.Done():
		}
	}
	return &fakeSession{p: p, hold: p.hold}, nil
}

func (p *fakeProvider) Close(context.Context) error { return nil }

type fakeSession struct {
	p      *fakeProvider
	hold   time.Duration
	url    string
	closed atomic.Bool
}

func (s *fakeSession) ID() string { return "fake" }
func (s *fakeSession) Navigate(ctx context.Context, url string) error {
	s.url = url
	if s.hold > 0 {
		select {
		case <-time.After(s.hold):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
func (s *fakeSession) Back(context.Context) error    { return nil }
func (s *fakeSession) Forward(context.Context) error { return nil }
func (s *fakeSession) Refresh(context.Context) error { return nil }
func (s *fakeSession) Observe(ctx context.Context, _ browser.ObserveOptions) (*browser.Observation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &browser.Observation{URL: s.url, Title: "Fake shop", Text: "Welcome to the fake shop"}, nil
}
func (s *fakeSession) Screenshot(context.Context) ([]byte, error) { return llmtest.PNG(), nil }
func (s *fakeSession) Click(context.Context, browser.Target) (browser.Element, error) {
	return browser.Element{}, browser.ErrNotFound
}
func (s *fakeSession) Type(context.Context, browser.Target, string, browser.TypeOptions) (browser.Element, error) {
	return browser.Element{}, browser.ErrNotFound
}
func (s *fakeSession) Select(context.Context, browser.Target, string) (browser.Element, error) {
	return browser.Element{}, browser.ErrNotFound
}
func (s *fakeSession) PressKey(context.Context, string) error              { return nil }
func (s *fakeSession) Scroll(context.Context, browser.ScrollOptions) error { return nil }
func (s *fakeSession) Upload(context.Context, browser.Target, string) (browser.Element, error) {
	return browser.Element{}, browser.ErrNotFound
}
func (s *fakeSession) ExecuteScript(context.Context, string, ...any) (json.RawMessage, error) {
	return json.RawMessage("null"), nil
}
func (s *fakeSession) Console() []browser.ConsoleEntry { return nil }
func (s *fakeSession) Network() []browser.NetworkEvent { return nil }
func (s *fakeSession) Close(context.Context) error {
	if s.closed.CompareAndSwap(false, true) {
		s.p.open.Add(-1)
	}
	return nil
}

// closeWatcher wraps a provider and reports when each session's Close
// returns, i.e. when its browser is gone.
type closeWatcher struct {
	browser.Provider
	closed chan time.Time
}

func (w *closeWatcher) Acquire(ctx context.Context, opts browser.AcquireOptions) (browser.Session, error) {
	s, err := w.Provider.Acquire(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &watchedSession{Session: s, w: w}, nil
}

type watchedSession struct {
	browser.Session
	w    *closeWatcher
	once sync.Once
}

func (s *watchedSession) Close(ctx context.Context) error {
	err := s.Session.Close(ctx)
	s.once.Do(func() { s.w.closed <- time.Now() })
	return err
}
