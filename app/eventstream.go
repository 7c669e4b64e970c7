package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// EventStream writes one Server-Sent Events response, for the API's and the
// UI's live streams alike.
type EventStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// StartEventStream sends the stream's headers. A stream outlives the
// server's read and write timeouts by design, so both deadlines are
// lifted: with only the write deadline lifted, the server still ends the
// request when the idle connection's read times out.
func StartEventStream(w http.ResponseWriter) (*EventStream, error) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	s := &EventStream{w: w, rc: rc}
	return s, s.flush()
}

// Send writes one event whose data is v as JSON (one line, so no data
// line splitting is needed); id, when set, is what a reconnecting client
// sends back as Last-Event-ID.
func (s *EventStream) Send(event, id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var msg strings.Builder
	msg.WriteString("event: " + event + "\n")
	if id != "" {
		msg.WriteString("id: " + id + "\n")
	}
	msg.WriteString("data: " + string(b) + "\n\n")
	if _, err := fmt.Fprint(s.w, msg.String()); err != nil {
		return err
	}
	return s.flush()
}

// Heartbeat writes a comment line, which keeps proxies from closing an idle
// stream and tells the server early when the client has gone.
func (s *EventStream) Heartbeat() error {
	if _, err := fmt.Fprint(s.w, ": heartbeat\n\n"); err != nil {
		return err
	}
	return s.flush()
}

func (s *EventStream) flush() error {
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("flush event stream: %w", err)
	}
	return nil
}
