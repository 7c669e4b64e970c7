package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// sseWriter writes one Server-Sent Events stream.
type sseWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// startStream sends the stream's headers. The write deadline of the
// surrounding server is lifted: a live page stays open for as long as a
// run takes.
func startStream(w http.ResponseWriter) (*sseWriter, error) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	s := &sseWriter{w: w, rc: rc}
	return s, s.flush()
}

func (s *sseWriter) flush() error {
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("flush event stream: %w", err)
	}
	return nil
}

// send writes one event whose data is v as JSON (one line, so no data line
// splitting is needed).
func (s *sseWriter) send(event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, b); err != nil {
		return err
	}
	return s.flush()
}

// heartbeat writes a comment line, which keeps proxies from closing an idle
// stream and tells the server early when the browser has gone.
func (s *sseWriter) heartbeat() error {
	if _, err := fmt.Fprint(s.w, ": keep-alive\n\n"); err != nil {
		return err
	}
	return s.flush()
}
