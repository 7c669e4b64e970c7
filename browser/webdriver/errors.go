package webdriver

import (
	"encoding/json"
	"fmt"
	"strings"
)

// W3C WebDriver error codes (https://www.w3.org/TR/webdriver2/#errors). BiDi
// uses the same strings.
const (
	CodeElementClickIntercepted = "element click intercepted"
	CodeElementNotInteractable  = "element not interactable"
	CodeInsecureCertificate     = "insecure certificate"
	CodeInvalidArgument         = "invalid argument"
	CodeInvalidCookieDomain     = "invalid cookie domain"
	CodeInvalidElementState     = "invalid element state"
	CodeInvalidSelector         = "invalid selector"
	CodeInvalidSessionID        = "invalid session id"
	CodeJavaScriptError         = "javascript error"
	CodeMoveTargetOutOfBounds   = "move target out of bounds"
	CodeNoSuchAlert             = "no such alert"
	CodeNoSuchCookie            = "no such cookie"
	CodeNoSuchElement           = "no such element"
	CodeNoSuchFrame             = "no such frame"
	CodeNoSuchWindow            = "no such window"
	CodeNoSuchShadowRoot        = "no such shadow root"
	CodeScriptTimeout           = "script timeout"
	CodeSessionNotCreated       = "session not created"
	CodeStaleElementReference   = "stale element reference"
	CodeDetachedShadowRoot      = "detached shadow root"
	CodeTimeout                 = "timeout"
	CodeUnableToSetCookie       = "unable to set cookie"
	CodeUnableToCaptureScreen   = "unable to capture screen"
	CodeUnexpectedAlertOpen     = "unexpected alert open"
	CodeUnknownCommand          = "unknown command"
	CodeUnknownError            = "unknown error"
	CodeUnknownMethod           = "unknown method"
	CodeUnsupportedOperation    = "unsupported operation"
)

// Sentinels for errors.Is. An *Error matches a sentinel when their codes are
// equal, whatever the message.
var (
	ErrElementClickIntercepted = &Error{Code: CodeElementClickIntercepted}
	ErrElementNotInteractable  = &Error{Code: CodeElementNotInteractable}
	ErrInsecureCertificate     = &Error{Code: CodeInsecureCertificate}
	ErrInvalidArgument         = &Error{Code: CodeInvalidArgument}
	ErrInvalidCookieDomain     = &Error{Code: CodeInvalidCookieDomain}
	ErrInvalidElementState     = &Error{Code: CodeInvalidElementState}
	ErrInvalidSelector         = &Error{Code: CodeInvalidSelector}
	ErrInvalidSessionID        = &Error{Code: CodeInvalidSessionID}
	ErrJavaScript              = &Error{Code: CodeJavaScriptError}
	ErrMoveTargetOutOfBounds   = &Error{Code: CodeMoveTargetOutOfBounds}
	ErrNoSuchAlert             = &Error{Code: CodeNoSuchAlert}
	ErrNoSuchCookie            = &Error{Code: CodeNoSuchCookie}
	ErrNoSuchElement           = &Error{Code: CodeNoSuchElement}
	ErrNoSuchFrame             = &Error{Code: CodeNoSuchFrame}
	ErrNoSuchWindow            = &Error{Code: CodeNoSuchWindow}
	ErrNoSuchShadowRoot        = &Error{Code: CodeNoSuchShadowRoot}
	ErrScriptTimeout           = &Error{Code: CodeScriptTimeout}
	ErrSessionNotCreated       = &Error{Code: CodeSessionNotCreated}
	ErrStaleElementReference   = &Error{Code: CodeStaleElementReference}
	ErrDetachedShadowRoot      = &Error{Code: CodeDetachedShadowRoot}
	ErrTimeout                 = &Error{Code: CodeTimeout}
	ErrUnableToSetCookie       = &Error{Code: CodeUnableToSetCookie}
	ErrUnableToCaptureScreen   = &Error{Code: CodeUnableToCaptureScreen}
	ErrUnexpectedAlertOpen     = &Error{Code: CodeUnexpectedAlertOpen}
	ErrUnknownCommand          = &Error{Code: CodeUnknownCommand}
	ErrUnknownError            = &Error{Code: CodeUnknownError}
	ErrUnknownMethod           = &Error{Code: CodeUnknownMethod}
	ErrUnsupportedOperation    = &Error{Code: CodeUnsupportedOperation}
)

// Error is an error reported by the remote end, over HTTP or BiDi.
type Error struct {
	// Code is the W3C error code, e.g. "no such element".
	Code string
	// Message is the remote end's human-readable description.
	Message string
	// Stacktrace is the remote end's stack trace, if it sent one. It is
	// kept out of Error() because drivers fill it with native addresses.
	Stacktrace string
	// Data is the optional "data" member; drivers put the prompt text of an
	// "unexpected alert open" error here.
	Data json.RawMessage
	// HTTPStatus is the HTTP status of the response (0 for BiDi errors).
	HTTPStatus int
	// Command names the request that failed, e.g. "POST /element".
	Command string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("webdriver: ")
	if e.Command != "" {
		b.WriteString(e.Command)
		b.WriteString(": ")
	}
	b.WriteString(e.Code)
	if msg := shortMessage(e.Message, e.Code); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, webdriver.ErrNoSuchElement) works for any message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// AlertText returns the prompt text carried by an "unexpected alert open"
// error, if the driver sent it.
func (e *Error) AlertText() string {
	var d struct {
		Text string `json:"text"`
	}
	if len(e.Data) == 0 || json.Unmarshal(e.Data, &d) != nil {
		return ""
	}
	return d.Text
}

// shortMessage strips what drivers append to every message (chromedriver
// repeats the code and adds a "(Session info: ...)" line) so that wrapped
// errors stay readable in logs and agent step records.
func shortMessage(msg, code string) string {
	msg = strings.TrimSpace(msg)
	if i := strings.Index(msg, "\n  (Session info:"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	msg = strings.TrimPrefix(msg, code+": ")
	if msg == code {
		return ""
	}
	return msg
}

// errorFromValue builds an *Error from a W3C error object, or returns nil
// when the value is not one.
func errorFromValue(raw json.RawMessage, status int, command string) *Error {
	var v struct {
		Error      string          `json:"error"`
		Message    string          `json:"message"`
		Stacktrace string          `json:"stacktrace"`
		Data       json.RawMessage `json:"data"`
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &v) != nil || v.Error == "" {
		return nil
	}
	return &Error{Code: v.Error, Message: v.Message, Stacktrace: v.Stacktrace, Data: v.Data, HTTPStatus: status, Command: command}
}

// ProtocolError reports a response that is not valid WebDriver, e.g. an HTML
// error page from a proxy in front of a Grid.
type ProtocolError struct {
	Command    string
	HTTPStatus int
	// Body is the beginning of the response body.
	Body string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("webdriver: %s: unexpected response (HTTP %d): %q", e.Command, e.HTTPStatus, e.Body)
}
