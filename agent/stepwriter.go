package agent

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/argusqa/argus/browser"
)

// A step's screenshot and its storage (a file, or blob storage and the
// database on a server) are kept off the agent's critical path: the
// screenshot is taken on a goroutine, and the step goes to the Recorder
// on another, once its screenshot is there, while the agent asks the
// model for the next action. Two rules keep the records what they were:
//
//   - nothing changes the page while a screenshot is being taken
//     (settledSession): Chromium captures the next frame it draws, not
//     the one on screen when asked, so a screenshot not waited for shows
//     the page after the next action.
//   - every step is written, in order and with its screenshot, before
//     Run returns (stepWriter.flush), and a step that could not be
//     written ends the attempt with verdict error as before.

// maxUnwrittenSteps bounds the steps recorded but not yet written, each
// with a screenshot of up to a few hundred KB: a recorder slower than
// the agent makes the agent wait instead of piling them up.
const maxUnwrittenSteps = 4

// writeGrace is how long a step recorded before the attempt's context
// ended may still take to be written after it: the last steps of a
// cancelled run are the ones most worth keeping.
const writeGrace = 10 * time.Second

// shot is a screenshot being taken.
type shot struct {
	done chan struct{}
	png  []byte // set before done is closed; nil when it failed
}

// wait returns the screenshot once taken (nil when it failed).
func (s *shot) wait() []byte {
	<-s.done
	return s.png
}

// takeShot starts the screenshot of the page as it is now, for step
// index. It completes only after the screenshot before it, so waiting for
// the latest one waits for all.
func (at *attempt) takeShot(ctx context.Context, index int) *shot {
	s := &shot{done: make(chan struct{})}
	prev := at.latestShot
	at.latestShot = s
	sess := at.raw
	go func() {
		png, err := sess.Screenshot(ctx)
		if err != nil {
			at.log.Debug("screenshot failed", "step", index, "err", err)
		}
		if prev != nil {
			<-prev.done
		}
		s.png = png
		close(s.done)
	}()
	return s
}

// settle waits for the screenshots in flight.
func (at *attempt) settle() {
	if s := at.latestShot; s != nil {
		<-s.done
	}
}

// settledSession is the attempt's session: every method that changes the
// page first waits for the screenshots in flight. Observe, Screenshot
// and ExecuteScript do not wait: the agent's scripts only read the page
// (checks, remember), and a check right after an action should not wait
// for its screenshot.
type settledSession struct {
	browser.Session
	at *attempt
}

func (s settledSession) Navigate(ctx context.Context, url string) error {
	s.at.settle()
	return s.Session.Navigate(ctx, url)
}

func (s settledSession) Back(ctx context.Context) error {
	s.at.settle()
	return s.Session.Back(ctx)
}

func (s settledSession) Forward(ctx context.Context) error {
	s.at.settle()
	return s.Session.Forward(ctx)
}

func (s settledSession) Refresh(ctx context.Context) error {
	s.at.settle()
	return s.Session.Refresh(ctx)
}

func (s settledSession) Click(ctx context.Context, t browser.Target) (browser.Element, error) {
	s.at.settle()
	return s.Session.Click(ctx, t)
}

func (s settledSession) Type(ctx context.Context, t browser.Target, text string, opts browser.TypeOptions) (browser.Element, error) {
	s.at.settle()
	return s.Session.Type(ctx, t, text, opts)
}

func (s settledSession) Select(ctx context.Context, t browser.Target, option string) (browser.Element, error) {
	s.at.settle()
	return s.Session.Select(ctx, t, option)
}

func (s settledSession) PressKey(ctx context.Context, key string) error {
	s.at.settle()
	return s.Session.PressKey(ctx, key)
}

func (s settledSession) Scroll(ctx context.Context, opts browser.ScrollOptions) error {
	s.at.settle()
	return s.Session.Scroll(ctx, opts)
}

func (s settledSession) Upload(ctx context.Context, t browser.Target, path string) (browser.Element, error) {
	s.at.settle()
	return s.Session.Upload(ctx, t, path)
}

// unwritten is a step recorded but not yet written.
type unwritten struct {
	ctx  context.Context
	step Step
	shot *shot // nil: no screenshot
	// ended: the attempt had its verdict before this step was recorded,
	// so a failure to write it is not the first cause of the end.
	ended bool
}

// writeFailure is the first step the Recorder refused.
type writeFailure struct {
	index int
	err   error
	ended bool
}

// stepWriter hands recorded steps to the Recorder in order, on a
// goroutine of its own.
type stepWriter struct {
	rec   Recorder
	queue chan unwritten
	done  chan struct{}

	mu      sync.Mutex
	failure *writeFailure
}

func newStepWriter(rec Recorder) *stepWriter {
	w := &stepWriter{rec: rec, queue: make(chan unwritten, maxUnwrittenSteps), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *stepWriter) run() {
	defer close(w.done)
	for u := range w.queue {
		if u.shot != nil {
			u.step.Screenshot = u.shot.wait()
		}
		ctx := u.ctx
		var cancel context.CancelFunc = func() {}
		if ctx.Err() != nil {
			ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), writeGrace)
		}
		err := w.rec.RecordStep(ctx, u.step)
		cancel()
		if err != nil {
			w.mu.Lock()
			if w.failure == nil {
				w.failure = &writeFailure{index: u.step.Index, err: err, ended: u.ended}
			}
			w.mu.Unlock()
		}
	}
}

// write queues a step; it waits while maxUnwrittenSteps are queued.
func (w *stepWriter) write(u unwritten) { w.queue <- u }

// failed returns the first step the Recorder refused, nil when none.
func (w *stepWriter) failed() *writeFailure {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failure
}

// flush writes the queued steps and stops the writer.
func (w *stepWriter) flush() *writeFailure {
	close(w.queue)
	<-w.done
	return w.failed()
}

func (f *writeFailure) summary() string {
	return fmt.Sprintf("Could not record step %d: %v", f.index, f.err)
}
