package webdriver

import (
	"encoding/json"
	"fmt"
	"time"
)

// BiDi event names Argus subscribes to.
const (
	EventLogEntryAdded            = "log.entryAdded"
	EventNetworkResponseCompleted = "network.responseCompleted"
	EventNetworkFetchError        = "network.fetchError"
)

// LogEntry is a decoded log.entryAdded event: a console call or an
// uncaught JavaScript error.
type LogEntry struct {
	// Type is "console" for console.* calls and "javascript" for uncaught
	// exceptions.
	Type string
	// Level is "debug", "info", "warn" or "error".
	Level string
	// Method is the console method ("log", "error", ...) for Type console.
	Method string
	Text   string
	// URL, Line and Column locate the top stack frame, when known.
	URL          string
	Line, Column int
	Time         time.Time
	// Context is the BiDi browsing context id the entry came from.
	Context string
}

// ParseLogEntry decodes the params of a log.entryAdded event.
func ParseLogEntry(params json.RawMessage) (LogEntry, error) {
	var p struct {
		Type      string  `json:"type"`
		Level     string  `json:"level"`
		Method    string  `json:"method"`
		Text      *string `json:"text"`
		Timestamp float64 `json:"timestamp"`
		Source    struct {
			Context string `json:"context"`
		} `json:"source"`
		StackTrace *struct {
			CallFrames []struct {
				URL          string `json:"url"`
				LineNumber   int    `json:"lineNumber"`
				ColumnNumber int    `json:"columnNumber"`
			} `json:"callFrames"`
		} `json:"stackTrace"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return LogEntry{}, fmt.Errorf("webdriver: decode %s: %w", EventLogEntryAdded, err)
	}
	e := LogEntry{Type: p.Type, Level: p.Level, Method: p.Method, Context: p.Source.Context, Time: msTime(p.Timestamp)}
	if p.Text != nil {
		e.Text = *p.Text
	}
	if p.StackTrace != nil && len(p.StackTrace.CallFrames) > 0 {
		f := p.StackTrace.CallFrames[0]
		e.URL, e.Line, e.Column = f.URL, f.LineNumber, f.ColumnNumber
	}
	return e, nil
}

// NetworkEvent is a decoded network.responseCompleted or network.fetchError
// event: one request that finished, with or without a response.
type NetworkEvent struct {
	URL    string
	Method string
	// Status is the HTTP status, 0 when the request failed without one.
	Status     int
	StatusText string
	MimeType   string
	// Size is the response body size in bytes as received (encoded), or
	// the bytes received in total when the browser did not report it.
	Size int64
	// Error is the browser's reason (e.g. "net::ERR_CONNECTION_REFUSED")
	// for a network.fetchError; empty otherwise.
	Error     string
	FromCache bool
	// Navigation reports a document request (a page load) rather than a
	// subresource or fetch.
	Navigation bool
	Time       time.Time
	Context    string
}

// ParseNetworkEvent decodes the params of a network.responseCompleted or
// network.fetchError event.
func ParseNetworkEvent(method string, params json.RawMessage) (NetworkEvent, error) {
	var p struct {
		Context    string  `json:"context"`
		Navigation *string `json:"navigation"`
		Timestamp  float64 `json:"timestamp"`
		Request    struct {
			URL    string `json:"url"`
			Method string `json:"method"`
		} `json:"request"`
		Response *struct {
			URL           string `json:"url"`
			Status        int    `json:"status"`
			StatusText    string `json:"statusText"`
			MimeType      string `json:"mimeType"`
			FromCache     bool   `json:"fromCache"`
			BytesReceived int64  `json:"bytesReceived"`
			BodySize      *int64 `json:"bodySize"`
			Content       *struct {
				Size *int64 `json:"size"`
			} `json:"content"`
		} `json:"response"`
		ErrorText string `json:"errorText"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return NetworkEvent{}, fmt.Errorf("webdriver: decode %s: %w", method, err)
	}
	e := NetworkEvent{
		URL:        p.Request.URL,
		Method:     p.Request.Method,
		Context:    p.Context,
		Navigation: p.Navigation != nil && *p.Navigation != "",
		Time:       msTime(p.Timestamp),
	}
	switch method {
	case EventNetworkFetchError:
		e.Error = p.ErrorText
		if e.Error == "" {
			e.Error = "request failed"
		}
	case EventNetworkResponseCompleted:
		if p.Response == nil {
			return NetworkEvent{}, fmt.Errorf("webdriver: decode %s: no response", method)
		}
		r := p.Response
		e.Status, e.StatusText, e.MimeType, e.FromCache = r.Status, r.StatusText, r.MimeType, r.FromCache
		switch {
		case r.BodySize != nil:
			e.Size = *r.BodySize
		case r.Content != nil && r.Content.Size != nil:
			e.Size = *r.Content.Size
		default:
			e.Size = r.BytesReceived
		}
	default:
		return NetworkEvent{}, fmt.Errorf("webdriver: %s is not a network completion event", method)
	}
	return e, nil
}

func msTime(ms float64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms))
}
