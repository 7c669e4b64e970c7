package llm_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

func fail(status int) scripted.Step {
	return scripted.Step{Error: &scripted.Failure{Status: status}}
}

func script(t *testing.T, steps ...scripted.Step) *scripted.Model {
	t.Helper()
	m, err := scripted.New(scripted.Config{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func retrying(t *testing.T, m llm.Model, cfg llm.RetryConfig) llm.Model {
	t.Helper()
	r, err := llm.WithRetry(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func secs(s ...float64) []time.Duration {
	out := make([]time.Duration, len(s))
	for i, v := range s {
		out[i] = time.Duration(v * float64(time.Second))
	}
	return out
}

func TestDefaultsAreTheTrustCenterPolicy(t *testing.T) {
	c := llm.RetryConfig{}.WithDefaults()
	if c.MaxRetries != 5 || c.InitialBackoff != 5*time.Second || c.MaxBackoff != 60*time.Second ||
		c.Multiplier != 2.0 || c.Jitter != 0.3 || c.CallTimeout != 120*time.Second || c.MaxRetryAfter != 60*time.Second {
		t.Errorf("defaults = %+v", c)
	}
}

func TestBackoffScheduleAndJitter(t *testing.T) {
	for _, tc := range []struct {
		name string
		rand float64
		want []time.Duration
	}{
		{"no jitter drawn", 0.5, secs(5, 10, 20, 40, 60)},
		{"jitter at -30%", 0, secs(3.5, 7, 14, 28, 42)},
		{"jitter at +30%, capped at 60 s", 0.9999999999, secs(6.5, 13, 26, 52, 60)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inner := script(t, fail(503), fail(503), fail(503), fail(503), fail(503), fail(503))
			clock := llmtest.NewClock(time.Now())
			m := retrying(t, inner, llm.RetryConfig{Clock: clock, Rand: func() float64 { return tc.rand }})
			_, err := m.Generate(t.Context(), llmtest.Ask("hi"))
			var unavailable *llm.UnavailableError
			if !errors.As(err, &unavailable) || !errors.Is(err, llm.ErrUnavailable) || unavailable.Attempts != 6 {
				t.Fatalf("err = %v, want ErrUnavailable after 6 attempts", err)
			}
			got := clock.Sleeps()
			if len(got) != len(tc.want) {
				t.Fatalf("waits = %v, want %v", got, tc.want)
			}
			for i := range got {
				if d := got[i] - tc.want[i]; d < -time.Millisecond || d > time.Millisecond {
					t.Errorf("wait %d = %v, want %v", i+1, got[i], tc.want[i])
				}
			}
			if inner.Calls() != 6 {
				t.Errorf("calls = %d, want 6", inner.Calls())
			}
			var apiErr *llm.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
				t.Errorf("the last cause must stay inspectable: %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "model scripted:script unreachable after 6 attempts: scripted: HTTP 503") {
				t.Errorf("message = %q", msg)
			}
		})
	}
}

func TestOnlyRetryableStatusesAreRetried(t *testing.T) {
	for _, status := range []int{408, 429, 500, 502, 503, 504, 529} {
		inner := script(t, fail(status), scripted.Step{Text: "ok"})
		clock := llmtest.NewClock(time.Now())
		resp, err := retrying(t, inner, llm.RetryConfig{Clock: clock}).Generate(t.Context(), llmtest.Ask("hi"))
		if err != nil || resp.Text != "ok" || inner.Calls() != 2 {
			t.Errorf("status %d: resp=%v err=%v calls=%d; want a retry then success", status, resp, err, inner.Calls())
		}
	}
	for _, status := range []int{400, 401, 403, 404, 409, 413, 422} {
		inner := script(t, fail(status), scripted.Step{Text: "ok"})
		clock := llmtest.NewClock(time.Now())
		_, err := retrying(t, inner, llm.RetryConfig{Clock: clock}).Generate(t.Context(), llmtest.Ask("hi"))
		var apiErr *llm.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || errors.Is(err, llm.ErrUnavailable) {
			t.Errorf("status %d: err = %v", status, err)
		}
		if inner.Calls() != 1 || len(clock.Sleeps()) != 0 {
			t.Errorf("status %d: calls=%d waits=%v; want no retry", status, inner.Calls(), clock.Sleeps())
		}
	}
}

func TestRetryAfterOverridesBackoffAndIsCapped(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	inner := script(t,
		scripted.Step{Error: &scripted.Failure{Status: 429, RetryAfter: "2"}},
		scripted.Step{Error: &scripted.Failure{Status: 429, RetryAfter: "3600"}},
		// An HTTP date 30 s after the clock's time when it is read (2 s + 60 s in).
		scripted.Step{Error: &scripted.Failure{Status: 503, RetryAfter: start.Add(92 * time.Second).Format("Mon, 02 Jan 2006 15:04:05 GMT")}},
		scripted.Step{Text: "ok"},
	)
	clock := llmtest.NewClock(start)
	if _, err := retrying(t, inner, llm.RetryConfig{Clock: clock}).Generate(t.Context(), llmtest.Ask("hi")); err != nil {
		t.Fatal(err)
	}
	if got, want := clock.Sleeps(), secs(2, 60, 30); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v (Retry-After honoured, an hour capped at 60 s)", got, want)
	}
}

func TestCallTimeoutIsRetried(t *testing.T) {
	inner := script(t, scripted.Step{Stall: true}, scripted.Step{Text: "ok"})
	clock := llmtest.NewClock(time.Now())
	m := retrying(t, inner, llm.RetryConfig{Clock: clock, Rand: func() float64 { return 0.5 }})
	done := make(chan error, 1)
	go func() {
		_, err := m.Generate(context.Background(), llmtest.Ask("hi"))
		done <- err
	}()
	<-clock.Armed()
	clock.Advance(2 * time.Minute)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := clock.Timeouts(); !slices.Equal(got, secs(120, 120)) {
		t.Errorf("timeouts = %v", got)
	}
	if got := clock.Sleeps(); !slices.Equal(got, secs(5)) {
		t.Errorf("waits = %v", got)
	}
}

func TestEveryAttemptTimingOutIsUnavailable(t *testing.T) {
	var steps []scripted.Step
	for range 3 {
		steps = append(steps, scripted.Step{Stall: true})
	}
	inner := script(t, steps...)
	clock := llmtest.NewClock(time.Now())
	m := retrying(t, inner, llm.RetryConfig{Clock: clock, MaxRetries: 2, CallTimeout: 30 * time.Second})
	done := make(chan error, 1)
	go func() {
		_, err := m.Generate(context.Background(), llmtest.Ask("hi"))
		done <- err
	}()
	for range 3 {
		<-clock.Armed()
		clock.Advance(30 * time.Second)
	}
	err := <-done
	if !errors.Is(err, llm.ErrUnavailable) || !errors.Is(err, llm.ErrCallTimeout) {
		t.Fatalf("err = %v, want ErrUnavailable caused by ErrCallTimeout", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") || !strings.Contains(err.Error(), "no reply within 30s") {
		t.Errorf("message = %q", err)
	}
}

// cancelling is a model whose call runs cancel before failing, as when a run
// is cancelled while the model is thinking.
type cancelling struct {
	cancel context.CancelFunc
	err    error
	calls  int
}

func (c *cancelling) Name() string { return "test:cancelling" }
func (c *cancelling) Generate(ctx context.Context, _ *llm.Request) (*llm.Response, error) {
	c.calls++
	c.cancel()
	if c.err != nil {
		return nil, c.err
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestCancelledParentIsNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	inner := &cancelling{cancel: cancel}
	clock := llmtest.NewClock(time.Now())
	_, err := retrying(t, inner, llm.RetryConfig{Clock: clock}).Generate(ctx, llmtest.Ask("hi"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, llm.ErrUnavailable) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if inner.calls != 1 || len(clock.Sleeps()) != 0 {
		t.Errorf("calls=%d waits=%v", inner.calls, clock.Sleeps())
	}
}

func TestCancelledDuringRetryableFailureStopsRetrying(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	inner := &cancelling{cancel: cancel, err: &llm.APIError{Provider: "test", StatusCode: 503}}
	clock := llmtest.NewClock(time.Now())
	_, err := retrying(t, inner, llm.RetryConfig{Clock: clock}).Generate(ctx, llmtest.Ask("hi"))
	if !errors.Is(err, context.Canceled) || inner.calls != 1 {
		t.Fatalf("err = %v, calls = %d", err, inner.calls)
	}
	var apiErr *llm.APIError
	if !errors.As(err, &apiErr) {
		t.Errorf("the failure itself should stay visible: %v", err)
	}
}

func TestInvalidRequestIsNotSent(t *testing.T) {
	inner := script(t, scripted.Step{Text: "ok"})
	_, err := retrying(t, inner, llm.RetryConfig{}).Generate(t.Context(), &llm.Request{})
	if err == nil || !strings.Contains(err.Error(), "invalid request") || inner.Calls() != 0 {
		t.Fatalf("err = %v, calls = %d", err, inner.Calls())
	}
}

func TestNegativeMaxRetriesDisablesRetries(t *testing.T) {
	inner := script(t, fail(503), scripted.Step{Text: "ok"})
	_, err := retrying(t, inner, llm.RetryConfig{MaxRetries: -1, Clock: llmtest.NewClock(time.Now())}).Generate(t.Context(), llmtest.Ask("hi"))
	if !errors.Is(err, llm.ErrUnavailable) || !strings.Contains(err.Error(), "after 1 attempts") || inner.Calls() != 1 {
		t.Fatalf("err = %v, calls = %d", err, inner.Calls())
	}
}

func TestWithRetryRejectsBadConfig(t *testing.T) {
	inner := script(t, scripted.Step{Text: "ok"})
	for name, cfg := range map[string]llm.RetryConfig{
		"max below initial":  {InitialBackoff: time.Minute, MaxBackoff: time.Second},
		"multiplier below 1": {Multiplier: 0.5},
		"jitter of 1":        {Jitter: 1},
		"negative timeout":   {CallTimeout: -time.Second},
	} {
		if _, err := llm.WithRetry(inner, cfg); err == nil {
			t.Errorf("%s: WithRetry accepted %+v", name, cfg)
		}
	}
	if _, err := llm.WithRetry(nil, llm.RetryConfig{}); err == nil {
		t.Error("WithRetry accepted a nil model")
	}
}

func TestWrapperKeepsNameAndImageSupport(t *testing.T) {
	inner, err := scripted.New(scripted.Config{Label: "demo", Steps: []scripted.Step{{Text: "ok"}}, AcceptImages: true})
	if err != nil {
		t.Fatal(err)
	}
	m := retrying(t, inner, llm.RetryConfig{})
	if m.Name() != "scripted:demo" || !llm.AcceptsImages(m) {
		t.Errorf("Name()=%q AcceptsImages=%v", m.Name(), llm.AcceptsImages(m))
	}
}

func TestConcurrentCalls(t *testing.T) {
	const n = 16
	var steps []scripted.Step
	for i := range n {
		steps = append(steps, fail(503), scripted.Step{Text: fmt.Sprint(i)})
	}
	inner := script(t, steps...)
	// The script hands out steps in arrival order, so which caller meets
	// which 503 depends on scheduling; two bounds make the outcome not:
	//   - MaxRetries n: there are n 503s in all, so even a caller that
	//     meets every one of them still gets its answer;
	//   - one fake clock serves all callers and each backoff moves it for
	//     everyone, so a call in flight would be timed out by the others'
	//     waits (n of at most MaxBackoff each) under the default 120 s
	//     CallTimeout, losing its step. A day is beyond any sum of them.
	m := retrying(t, inner, llm.RetryConfig{MaxRetries: n, CallTimeout: 24 * time.Hour, Clock: llmtest.NewClock(time.Now())})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := m.Generate(t.Context(), llmtest.Ask("hi")); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if inner.Calls() != 2*n {
		t.Errorf("calls = %d, want %d", inner.Calls(), 2*n)
	}
}
