package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/argusqa/argus/store"
)

// Problem is an RFC 9457 problem document, the body of every error
// response.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError says what is wrong with one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ProblemType is the type URI of validation problems; other problems use
// about:blank, whose meaning is the HTTP status.
const ProblemType = "urn:argus:problem:validation"

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// problem builds a plain problem for status.
func problem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// invalid builds a 400 problem listing field errors.
func invalid(detail string, fields ...FieldError) *Problem {
	return &Problem{Type: ProblemType, Title: "Invalid request", Status: http.StatusBadRequest, Detail: detail, Errors: fields}
}

// WriteProblem writes p as application/problem+json. Exported for the UI's
// handlers, which answer JSON errors the same way.
func WriteProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// fail answers err: a *Problem as it is, store errors by their meaning,
// anything else as a logged 500 that tells nothing of the cause.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *Problem
	switch {
	case errors.As(err, &p):
	case errors.Is(err, store.ErrNotFound):
		p = problem(http.StatusNotFound, "no such object")
	case errors.Is(err, store.ErrConflict):
		p = problem(http.StatusConflict, storeDetail(err))
	case errors.Is(err, store.ErrInvalid):
		p = invalid(storeDetail(err))
	case errors.Is(err, store.ErrExpired), errors.Is(err, store.ErrRevoked):
		p = problem(http.StatusUnauthorized, storeDetail(err))
	case errors.Is(err, store.ErrNoKeyring):
		p = problem(http.StatusServiceUnavailable, "this server has no secret key (ARGUS_SECRET_KEY), so it cannot handle stored credentials")
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
		p = problem(499, "request cancelled")
		p.Title = "Client Closed Request"
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		p = problem(http.StatusInternalServerError, "the server could not handle this request; it has been logged")
	}
	WriteProblem(w, p)
}

// storeDetail keeps the part of a store error meant for people: the text
// after the sentinel, e.g. "create test: invalid: name must be …" gives
// "name must be …".
func storeDetail(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{store.ErrInvalid, store.ErrConflict, store.ErrExpired, store.ErrRevoked} {
		if i := strings.Index(msg, sentinel.Error()); i >= 0 && errors.Is(err, sentinel) {
			rest := strings.TrimLeft(msg[i+len(sentinel.Error()):], ": ")
			if rest != "" {
				return rest
			}
		}
	}
	return msg
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
