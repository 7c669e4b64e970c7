package suite

import (
	"fmt"
	"strings"
)

// Position is a place in a test file. Line and Column start at 1; a zero
// Column means the whole line, a zero Line the whole file.
type Position struct {
	File   string
	Line   int
	Column int
}

// String formats the position as file:line:col, the form editors and
// terminals turn into links.
func (p Position) String() string {
	s := p.File
	if s == "" {
		s = "<input>"
	}
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
		if p.Column > 0 {
			s += fmt.Sprintf(":%d", p.Column)
		}
	}
	return s
}

// Error is one problem in a test file: where it is, which field (a path
// such as tests[1].steps[2], empty for the document itself) and what is
// wrong.
type Error struct {
	Pos  Position
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Pos.String() + ": " + e.Path + ": " + e.Msg
}

// ErrorList is every problem found in one Parse or Load call, in file and
// line order. Parse and Load return their errors as an ErrorList, so a
// caller such as an editor can show each one at its line:
//
//	var list suite.ErrorList
//	if errors.As(err, &list) { ... }
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the individual errors for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// MaxErrors is how many errors one Parse or Load call collects before it
// stops: beyond that the input is probably not a test file at all.
const MaxErrors = 50

// add appends an error unless the list is full, and reports whether there
// is room for more.
func (l *ErrorList) add(e *Error) bool {
	if len(*l) >= MaxErrors {
		return false
	}
	*l = append(*l, e)
	if len(*l) == MaxErrors {
		*l = append(*l, &Error{Pos: Position{File: e.Pos.File}, Msg: fmt.Sprintf("too many errors (stopped after %d)", MaxErrors)})
	}
	return true
}

func (l ErrorList) full() bool { return len(l) > MaxErrors }

// err returns the list as an error, or nil when it is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
