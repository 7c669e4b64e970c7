package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/argusqa/argus/store"
)

// Code says what kind of answer an *Error is; front ends map it to an HTTP
// status or a page.
type Code int

// Codes.
const (
	// CodeInvalid: the input breaks a rule (400).
	CodeInvalid Code = iota + 1
	// CodeRefused: the input is well formed but a policy of this server
	// refuses it, e.g. a base URL the browser may not reach (422).
	CodeRefused
	// CodeUnauthenticated: no valid credentials (401).
	CodeUnauthenticated
	// CodeForbidden: the caller's role may not do this (403).
	CodeForbidden
	// CodeNotFound: no such object in the caller's tenant (404).
	CodeNotFound
	// CodeConflict: the object exists already, or its state forbids the
	// change (409).
	CodeConflict
	// CodeTooManyRequests: a limit was hit; RetryAfter says when to try
	// again (429).
	CodeTooManyRequests
	// CodeUnavailable: the server lacks what this needs, e.g. a secret
	// key (503).
	CodeUnavailable
)

// Error is an answer to the caller: what kind, a sentence for people and
// the fields at fault.
type Error struct {
	Code   Code
	Detail string
	Fields []FieldError
	// RetryAfter is set with CodeTooManyRequests.
	RetryAfter time.Duration
}

// FieldError says what is wrong with one input field. Field uses the
// API's JSON names (e.g. "base_url", "steps[2]").
type FieldError struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	msg := e.Detail
	for _, f := range e.Fields {
		msg += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return msg
}

// Field returns the message for field, or "".
func (e *Error) Field(name string) string {
	for _, f := range e.Fields {
		if f.Field == name {
			return f.Message
		}
	}
	return ""
}

func invalid(detail string, fields ...FieldError) *Error {
	return &Error{Code: CodeInvalid, Detail: detail, Fields: fields}
}

func refused(detail string, fields ...FieldError) *Error {
	return &Error{Code: CodeRefused, Detail: detail, Fields: fields}
}

func notFound(detail string) *Error { return &Error{Code: CodeNotFound, Detail: detail} }

func forbidden(detail string) *Error { return &Error{Code: CodeForbidden, Detail: detail} }

func conflictErr(detail string, fields ...FieldError) *Error {
	return &Error{Code: CodeConflict, Detail: detail, Fields: fields}
}

// AsError returns err as an *Error when it is an answer to the caller:
// an *Error itself, or a store refusal (not found, invalid, conflict,
// expired, revoked, no keyring), restated with the store's field and
// detail. Other errors are internal failures: ok is false.
func AsError(err error) (e *Error, ok bool) {
	if err == nil {
		return nil, false
	}
	if errors.As(err, &e) {
		return e, true
	}
	var se *store.Error
	detail, field := "", ""
	if errors.As(err, &se) {
		detail, field = se.Detail, se.Field
	}
	with := func(code Code, fallback string) (*Error, bool) {
		if detail == "" {
			detail = fallback
		}
		out := &Error{Code: code, Detail: detail}
		if field != "" {
			out.Fields = []FieldError{{Field: field, Message: detail}}
		}
		return out, true
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Error{Code: CodeNotFound, Detail: "no such object"}, true
	case errors.Is(err, store.ErrInvalid):
		return with(CodeInvalid, "the input is not valid")
	case errors.Is(err, store.ErrConflict):
		return with(CodeConflict, "it already exists")
	case errors.Is(err, store.ErrExpired):
		return with(CodeUnauthenticated, "it has expired")
	case errors.Is(err, store.ErrRevoked):
		return with(CodeUnauthenticated, "it was revoked")
	case errors.Is(err, store.ErrNoKeyring):
		return &Error{Code: CodeUnavailable, Detail: "this server has no secret key (ARGUS_SECRET_KEY), so it cannot handle stored credentials"}, true
	}
	return nil, false
}
