package client

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Event is one Server-Sent Event.
type Event struct {
	ID   string
	Type string
	Data []byte
}

// maxEventBytes bounds one event, so a broken stream cannot exhaust memory.
const maxEventBytes = 1 << 20

// readEvents parses a text/event-stream as the WHATWG HTML standard
// specifies and calls fn for each dispatched event. It returns fn's error,
// the reader's error, or io.EOF at the end of the stream. retry receives
// the server's reconnection delay when it sends one.
func readEvents(r io.Reader, fn func(Event) error, retry func(time.Duration)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEventBytes)
	sc.Split(scanLines)
	var (
		ev      Event
		data    bytes.Buffer
		hasData bool
		lastID  string
	)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if hasData {
				ev.ID = lastID
				if ev.Type == "" {
					ev.Type = "message"
				}
				ev.Data = bytes.Clone(bytes.TrimSuffix(data.Bytes(), []byte("\n")))
				if err := fn(ev); err != nil {
					return err
				}
			}
			ev, hasData = Event{}, false
			data.Reset()
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Type = value
		case "data":
			if data.Len()+len(value) > maxEventBytes {
				return errors.New("event stream: event larger than 1 MiB")
			}
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "id":
			if !strings.ContainsRune(value, 0) {
				lastID = value
			}
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil && ms >= 0 && retry != nil {
				retry(time.Duration(ms) * time.Millisecond)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.EOF
}

// scanLines splits on \n, \r\n or a lone \r, as event streams allow.
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		switch b {
		case '\n':
			return i + 1, data[:i], nil
		case '\r':
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			return 0, nil, nil // need more data to tell \r from \r\n
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// errStreamDone ends Follow once the server says the run is over.
var errStreamDone = errors.New("stream done")

// FollowRun streams a run's events to fn until the server sends "end", fn
// returns an error, or ctx ends. A dropped connection is re-opened with
// Last-Event-ID, after the server's retry delay (default 1 s).
func (c *Client) FollowRun(ctx context.Context, run uuid.UUID, fn func(Event) error) error {
	path := "/api/v1/runs/" + run.String() + "/events"
	lastID := ""
	delay := time.Second
	failures := 0
	for {
		err := c.streamOnce(ctx, path, lastID, func(ev Event) error {
			failures = 0
			if ev.ID != "" {
				lastID = ev.ID
			}
			if ev.Type == "end" {
				return errStreamDone
			}
			return fn(ev)
		}, func(d time.Duration) { delay = d })
		switch {
		case errors.Is(err, errStreamDone):
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case IsClientError(err):
			return err
		}
		var cbErr *callbackError
		if errors.As(err, &cbErr) {
			return cbErr.err
		}
		failures++
		if failures > 10 {
			return fmt.Errorf("following run %s: %w (gave up after 10 reconnects)", run, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// callbackError marks an error returned by the caller's function, which
// ends the stream without a reconnect.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

func (c *Client) streamOnce(ctx context.Context, path, lastID string, fn func(Event) error, retry func(time.Duration)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+path, nil)
	if err != nil {
		return err
	}
	c.authorize(req)
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := c.stream.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readProblem(resp)
	}
	return readEvents(resp.Body, func(ev Event) error {
		if err := fn(ev); err != nil {
			if errors.Is(err, errStreamDone) {
				return err
			}
			return &callbackError{err}
		}
		return nil
	}, retry)
}
