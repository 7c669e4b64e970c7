package api

import "fmt"

// Problem is an RFC 9457 problem document, the body of every error answer
// (Content-Type application/problem+json).
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

// ProblemTypeValidation is the type of problems that list field errors;
// others use about:blank, whose meaning is the HTTP status.
const ProblemTypeValidation = "urn:argus:problem:validation"

func (p *Problem) Error() string {
	msg := fmt.Sprintf("server answered %d %s", p.Status, p.Title)
	if p.Detail != "" {
		msg += ": " + p.Detail
	}
	for _, f := range p.Errors {
		msg += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return msg
}
