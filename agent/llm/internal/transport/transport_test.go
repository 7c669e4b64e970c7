package transport_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/internal/transport"
)

func TestNewClientSettings(t *testing.T) {
	c := transport.NewClient(0)
	if c.Timeout != llm.DefaultCallTimeout {
		t.Errorf("timeout = %s, want %s", c.Timeout, llm.DefaultCallTimeout)
	}
	if transport.NewClient(30*time.Second).Timeout != 30*time.Second {
		t.Error("explicit timeout ignored")
	}
}

func TestCaptureRecordsTheErrorResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Retry-After", "4")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()

	c := transport.NewClient(time.Minute)
	get := func(path string) *transport.Exchange {
		ctx, ex := transport.Capture(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return ex
	}
	sdkErr := errors.New("sdk: something")
	if apiErr := get("/ok").APIError("p", sdkErr); apiErr != nil {
		t.Errorf("a 200 is no API error: %v", apiErr)
	}
	apiErr := get("/limited").APIError("p", sdkErr)
	if apiErr == nil || apiErr.StatusCode != 429 || apiErr.Provider != "p" || !errors.Is(apiErr, sdkErr) {
		t.Fatalf("APIError = %+v", apiErr)
	}
	if d, ok := apiErr.RetryAfter.Wait(time.Now()); !ok || d != 4*time.Second {
		t.Errorf("retry after = %v %v", d, ok)
	}

	// Requests outside Capture are not recorded anywhere.
	resp, err := c.Get(srv.URL + "/limited")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestWrapKeepsTheCallersTransport(t *testing.T) {
	var used bool
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return &http.Response{StatusCode: 503, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
	})
	own := &http.Client{Transport: base, Timeout: time.Second}
	wrapped := transport.Wrap(own, time.Minute)
	if wrapped == own || own.Transport == nil {
		t.Fatal("Wrap must copy the client, not modify it")
	}
	if again := transport.Wrap(wrapped, time.Minute); again.Transport != wrapped.Transport {
		t.Error("Wrap must not wrap twice")
	}
	ctx, ex := transport.Capture(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:1/", nil)
	resp, err := wrapped.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if status, _ := ex.Response(); !used || status != 503 {
		t.Errorf("used=%v status=%d", used, status)
	}
	if transport.Wrap(nil, time.Minute) == nil {
		t.Error("Wrap(nil) must give a default client")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
