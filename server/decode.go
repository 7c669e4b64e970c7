package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// decode reads a JSON body of at most limit bytes into v, refusing unknown
// fields, trailing data and other media types; every failure is a 4xx
// problem that says what is wrong and where.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return problem(http.StatusUnsupportedMediaType, "send the body as application/json")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return problem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit))
		}
		return problem(http.StatusBadRequest, "cannot read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return invalid("a JSON body is required")
	}
	if !utf8.Valid(body) {
		// encoding/json would quietly turn bad bytes into U+FFFD and
		// store a name nobody typed.
		return invalid("the body is not valid UTF-8")
	}
	if hasNULEscape(body) {
		// PostgreSQL text cannot hold NUL; refuse it here rather than
		// fail in the database.
		return invalid(`the body holds a NUL character (\u0000), which no field accepts`)
	}
	return decodeBytes(body, v)
}

func decodeBytes(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return invalid("the body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("the body holds data after the JSON value")
	}
	return nil
}

// jsonProblem turns a decoding error into a problem naming the field.
func jsonProblem(err error) *Problem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return invalid(fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return invalid(fmt.Sprintf("the body must be a JSON object, not %s", typ.Value))
		}
		return invalid("a field has the wrong type", FieldError{Field: field, Message: fmt.Sprintf("must be %s, not %s", jsonTypeName(typ.Type.String()), typ.Value)})
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return invalid("the JSON body ends early")
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return invalid("the body has a field this endpoint does not know", FieldError{Field: strings.Trim(name, `"`), Message: "unknown field"})
	}
	var perr *Problem
	if errors.As(err, &perr) {
		return perr
	}
	// Custom unmarshalers (ids, times) report their own messages.
	return invalid(strings.TrimPrefix(msg, "json: "))
}

func jsonTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "struct"), strings.HasPrefix(goType, "server."), strings.HasPrefix(goType, "api."):
		return "an object"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case goType == "string", goType == "uuid.UUID":
		return "a string"
	}
	return "of type " + goType
}

// hasNULEscape reports whether a JSON text holds the escape \u0000 (an
// escaped backslash followed by "u0000" is not one). Raw NUL bytes are
// already a JSON syntax error.
func hasNULEscape(body []byte) bool {
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && body[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = j + 1
	}
}
