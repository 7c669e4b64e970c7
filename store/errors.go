package store

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by store functions; test with errors.Is.
var (
	// ErrNotFound: no such row in this tenant (rows of other tenants are
	// reported the same way, so their existence does not leak).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique name or key is already taken.
	ErrConflict = errors.New("already exists")
	// ErrInvalid: a value breaks a rule of the schema.
	ErrInvalid = errors.New("invalid")
	// ErrExpired: a token or key is past its expiry.
	ErrExpired = errors.New("expired")
	// ErrRevoked: an API key was revoked.
	ErrRevoked = errors.New("revoked")
	// ErrNoKeyring: the store was made without a secret key.
	ErrNoKeyring = errors.New("no secret key configured: set ARGUS_SECRET_KEY to handle stored credentials")
)

// Error is a refusal people can read: the operation, the field it is
// about and what is wrong, beside the sentinel it matches (errors.Is(err,
// ErrInvalid) and so on). Front ends show Field and Detail as they are;
// nothing needs to parse Error's text.
type Error struct {
	// Op is the store operation, e.g. "create api key", for logs.
	Op string
	// Kind is the sentinel: ErrInvalid, ErrConflict, ErrExpired or
	// ErrRevoked.
	Kind error
	// Field names the input field at fault, e.g. "name" or "base_url";
	// empty when the refusal is about no single field.
	Field string
	// Detail is the sentence for people, e.g. "name must be 1 to 200
	// characters".
	Detail string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Unwrap makes errors.Is match Kind.
func (e *Error) Unwrap() error { return e.Kind }

// invalidf is an ErrInvalid refusal of field.
func invalidf(op, field, format string, args ...any) error {
	return &Error{Op: op, Kind: ErrInvalid, Field: field, Detail: fmt.Sprintf(format, args...)}
}

// conflict is an ErrConflict refusal of field.
func conflict(op, field, detail string) error {
	return &Error{Op: op, Kind: ErrConflict, Field: field, Detail: detail}
}

// withOp names the operation of a refusal made by a shared check.
func withOp(op string, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Op == "" {
		c := *e
		c.Op = op
		return &c
	}
	return err
}
