package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// Problem is the body of every error response (RFC 9457).
type Problem = api.Problem

// FieldError says what is wrong with one field of a request.
type FieldError = api.FieldError

// problem builds a plain problem for status.
func problem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// invalid builds a 400 problem listing field errors.
func invalid(detail string, fields ...FieldError) *Problem {
	return &Problem{Type: api.ProblemTypeValidation, Title: "Invalid request", Status: http.StatusBadRequest, Detail: detail, Errors: fields}
}

// statusOf is the HTTP status of each app.Code.
var statusOf = map[app.Code]int{
	app.CodeInvalid:         http.StatusBadRequest,
	app.CodeRefused:         http.StatusUnprocessableEntity,
	app.CodeUnauthenticated: http.StatusUnauthorized,
	app.CodeForbidden:       http.StatusForbidden,
	app.CodeNotFound:        http.StatusNotFound,
	app.CodeConflict:        http.StatusConflict,
	app.CodeTooManyRequests: http.StatusTooManyRequests,
	app.CodeUnavailable:     http.StatusServiceUnavailable,
}

// problemOf restates an application answer as a problem document.
func problemOf(e *app.Error) *Problem {
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	p := problem(status, e.Detail)
	if len(e.Fields) > 0 {
		p.Type = api.ProblemTypeValidation
		if status == http.StatusBadRequest {
			p.Title = "Invalid request"
		}
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, FieldError{Field: f.Field, Message: f.Message})
		}
	}
	return p
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// fail answers err: a *Problem as it is, an application answer by its
// code, anything else as a logged 500 that tells nothing of the cause.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *Problem
	if errors.As(err, &p) {
		// a problem made here, as it is
	} else if e, ok := app.AsError(err); ok {
		p = problemOf(e)
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(int(e.RetryAfter.Seconds())+1))
		}
	} else if r.Context().Err() != nil {
		// The client went away; nobody reads the answer.
		p = problem(499, "request cancelled")
		p.Title = "Client Closed Request"
	} else {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		p = problem(http.StatusInternalServerError, "the server could not handle this request; it has been logged")
	}
	WriteProblem(w, p)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
