package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/argusqa/argus/store"
)

// Worker delivers DeliverArgs jobs. Register it with
// river.AddWorker(workers, w) and give the client a "webhooks" queue.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]

	store  *store.Store
	cfg    Config
	guard  *Guard
	client *http.Client
	log    *slog.Logger
}

// NewWorker returns a worker that reads endpoints from st.
func NewWorker(st *store.Store, cfg Config) *Worker {
	cfg = cfg.WithDefaults()
	g := NewGuard(cfg.Guard)
	return &Worker{
		store:  st,
		cfg:    cfg,
		guard:  g,
		client: g.Client(cfg.Timeout),
		log:    cfg.Logger.With("component", "webhook"),
	}
}

// Guard returns the worker's outbound guard, whose Validate the API calls
// when an endpoint URL is saved.
func (w *Worker) Guard() *Guard { return w.guard }

// Timeout leaves room beyond the HTTP attempt for reading the endpoint and
// recording the attempt.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return w.cfg.Timeout + 10*time.Second
}

// NextRetry spreads the retries of one event over Config.RetryWindow: each
// delay is three times the one before, and all of them add up to the
// window (with the defaults: 79 s, 4 min, 12 min, 36 min, 1.8 h, 5.3 h,
// 16 h). Up to a tenth is added or removed at random so that events that
// failed together do not all come back at once.
func (w *Worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(retryDelay(w.cfg.RetryWindow, job.Attempt, job.MaxAttempts, rand.Float64()))
}

// retryDelay is the delay after failed attempt n (1-based) of maxAttempts, with
// jitter in [0, 1) spread to ±10 %.
func retryDelay(window time.Duration, n, maxAttempts int, jitter float64) time.Duration {
	retries := maxAttempts - 1
	if retries < 1 {
		retries = 1
	}
	n = min(max(n, 1), retries)
	// Geometric series: sum of 3^k for k < retries is (3^retries - 1) / 2.
	total := (math.Pow(3, float64(retries)) - 1) / 2
	d := float64(window) * math.Pow(3, float64(n-1)) / total
	return time.Duration(d * (0.9 + 0.2*jitter))
}

// attempt is the outcome of one HTTP exchange.
type attempt struct {
	status  int
	latency time.Duration
	excerpt string
	err     error
}

// Work makes one delivery attempt and records it.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	a := job.Args
	log := w.log.With("event_id", a.EventID, "event_type", a.EventType, "project", a.Project, "attempt", job.Attempt)

	ep, err := w.store.WebhookEndpoint(ctx, a.Tenant, a.Project)
	if errors.Is(err, store.ErrNotFound) {
		// The project is gone, and with it the place to record anything.
		log.Info("webhook dropped: project deleted")
		return river.JobCancel(fmt.Errorf("project %s no longer exists", a.Project))
	}
	if err != nil {
		return err
	}
	rec := store.WebhookDelivery{
		ProjectID: a.Project, EventID: a.EventID, EventType: a.EventType,
		URL: ep.URL, Payload: []byte(a.Body), Attempt: job.Attempt,
	}
	giveUp := func(why string) error {
		rec.Error = why
		if err := w.record(ctx, a, rec); err != nil {
			return err
		}
		log.Warn("webhook not delivered", "reason", why)
		return river.JobCancel(errors.New(why))
	}
	switch {
	case ep.URL == "":
		return giveUp("no webhook URL configured")
	case ep.DisabledAt != nil:
		return giveUp("endpoint disabled: " + ep.DisabledReason)
	}
	if _, err := parseEndpoint(ep.URL); err != nil {
		return giveUp(err.Error())
	}
	secrets, err := w.store.WebhookSigningSecrets(ctx, a.Tenant, a.Project)
	if errors.Is(err, store.ErrNotFound) {
		return giveUp("no webhook secret set: deliveries are never sent unsigned")
	}
	if err != nil {
		return err
	}

	res := w.send(ctx, ep.URL, a, secrets)
	if res.status != 0 {
		rec.StatusCode = &res.status
	}
	ms := int(res.latency.Milliseconds())
	rec.LatencyMS = &ms
	rec.ResponseExcerpt = res.excerpt
	if res.err != nil {
		rec.Error = res.err.Error()
	}
	if err := w.record(ctx, a, rec); err != nil {
		return err
	}
	host := hostOf(ep.URL)
	switch {
	case res.err != nil && errors.Is(res.err, ErrBlockedAddress):
		log.Warn("webhook refused by the outbound guard", "host", host, "error", res.err)
		return river.JobCancel(res.err)
	case res.err != nil:
		log.Info("webhook attempt failed", "host", host, "latency_ms", ms, "error", res.err)
		return fmt.Errorf("deliver %s to %s: %w", a.EventID, host, res.err)
	case res.status >= 200 && res.status < 300:
		log.Info("webhook delivered", "host", host, "status", res.status, "latency_ms", ms)
		return nil
	case res.status == http.StatusGone:
		// The receiver says the endpoint is gone for good: stop calling
		// it for every event until someone sets it up again.
		if err := w.store.DisableWebhook(context.WithoutCancel(ctx), a.Tenant, a.Project,
			fmt.Sprintf("receiver answered 410 Gone to %s at %s", a.EventID, time.Now().UTC().Format(time.RFC3339))); err != nil {
			return fmt.Errorf("disable webhook: %w", err)
		}
		log.Warn("webhook endpoint disabled: receiver answered 410 Gone", "host", host)
		return river.JobCancel(errors.New("receiver answered 410 Gone; endpoint disabled"))
	default:
		log.Info("webhook attempt refused", "host", host, "status", res.status, "latency_ms", ms)
		return fmt.Errorf("deliver %s to %s: status %d", a.EventID, host, res.status)
	}
}

// record stores an attempt even when the job's context has ended, since
// a timed-out attempt is exactly the one an admin wants to see.
func (w *Worker) record(ctx context.Context, a DeliverArgs, rec store.WebhookDelivery) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := w.store.RecordDelivery(ctx, a.Tenant, rec); err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	return nil
}

// send makes the HTTP request and reads up to MaxResponseExcerpt bytes of
// the answer.
func (w *Worker) send(ctx context.Context, endpoint string, a DeliverArgs, secrets []string) attempt {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	body := []byte(a.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return attempt{err: fmt.Errorf("%w: %v", ErrInvalidURL, stripURL(err))}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.cfg.UserAgent)
	if err := SetHeaders(req.Header, secrets, a.EventID, time.Now(), body); err != nil {
		return attempt{err: err}
	}
	start := time.Now()
	resp, err := w.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			err = fmt.Errorf("no answer within %s: %w", w.cfg.Timeout, stripURL(err))
		} else {
			err = stripURL(err)
		}
		return attempt{latency: time.Since(start), err: err}
	}
	defer resp.Body.Close()
	head, err := io.ReadAll(io.LimitReader(resp.Body, store.MaxResponseExcerpt))
	res := attempt{status: resp.StatusCode, latency: time.Since(start), excerpt: cleanExcerpt(head)}
	if err != nil && (resp.StatusCode < 200 || resp.StatusCode >= 300) {
		res.err = fmt.Errorf("reading response: %w", stripURL(err))
	}
	// Drain a little more so the connection can be reused, but never
	// wait on a receiver that streams forever.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return res
}

// stripURL drops the URL that net/http puts in its errors: the path and
// query of an endpoint can hold a receiver's token, and errors end up in
// logs.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// hostOf is the part of an endpoint URL that is safe to log.
func hostOf(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Host
}

// cleanExcerpt makes a response excerpt storable as text: PostgreSQL text
// holds neither NUL nor invalid UTF-8.
func cleanExcerpt(b []byte) string {
	return strings.ToValidUTF8(strings.ReplaceAll(string(b), "\x00", ""), "\uFFFD")
}
