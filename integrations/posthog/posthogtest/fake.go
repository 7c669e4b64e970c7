// Package posthogtest is an in-process PostHog capture API, for tests of
// code that sends events with integrations/posthog (posthog-go on its
// side).
package posthogtest

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Server speaks PostHog's capture API: POST /batch/ with {"api_key",
// "batch": [...]}, gzip-compressed when the client says so. Any other
// request is recorded as unexpected and answered 404.
type Server struct {
	// URL is the host to configure, without a trailing slash.
	URL string

	mu         sync.Mutex
	batches    []Batch
	unexpected []string
}

// Batch is one capture request as received.
type Batch struct {
	// APIKey is the envelope's project key, how the capture API
	// authenticates.
	APIKey string
	// Events is the envelope's batch: the events' JSON, as sent.
	Events json.RawMessage
	// Body is the whole request body, decompressed.
	Body string
}

// New starts a capture server, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/batch/" {
		s.mu.Lock()
		s.unexpected = append(s.unexpected, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	var envelope struct {
		APIKey string          `json:"api_key"`
		Batch  json.RawMessage `json:"batch"`
	}
	if err == nil {
		err = json.Unmarshal(b, &envelope)
	}
	if err != nil {
		http.Error(w, "bad batch", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.batches = append(s.batches, Batch{APIKey: envelope.APIKey, Events: envelope.Batch, Body: string(b)})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":1}`)
}

// Batches returns the capture requests received, in order.
func (s *Server) Batches() []Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Batch(nil), s.batches...)
}

// Unexpected returns the requests that were not a capture ("METHOD
// /path").
func (s *Server) Unexpected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unexpected...)
}

// Messages returns the events of all batches, in order, failing the test
// on an unexpected request or a batch that is not a list of events.
func (s *Server) Messages(t testing.TB) []map[string]json.RawMessage {
	t.Helper()
	if u := s.Unexpected(); len(u) > 0 {
		t.Errorf("unexpected PostHog requests: %v", u)
	}
	var out []map[string]json.RawMessage
	for _, b := range s.Batches() {
		var msgs []map[string]json.RawMessage
		if err := json.Unmarshal(b.Events, &msgs); err != nil {
			t.Fatal(err)
		}
		out = append(out, msgs...)
	}
	return out
}

// EventsText is the events' JSON of all batches as one text, without the
// envelopes' project keys: what to search for data that must not travel.
func (s *Server) EventsText() string {
	var sb strings.Builder
	for _, b := range s.Batches() {
		sb.Write(b.Events)
	}
	return sb.String()
}
