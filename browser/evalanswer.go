package browser

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// evalAnswer is the result of Runtime.evaluate with returnByValue, as the
// page agent's calls get it: a JSON string of tens of kilobytes (an
// observation), read on every step.
type evalAnswer struct {
	Result struct {
		Type  string    `json:"type"`
		Value jsonValue `json:"value"`
	} `json:"result"`
	ExceptionDetails *struct {
		Text      string `json:"text"`
		Exception *struct {
			Description string `json:"description"`
		} `json:"exception"`
	} `json:"exceptionDetails"`
}

// DecodeAnswer reads the answer Chrome writes for a string result,
// {"id":N,"result":{"result":{"type":"string","value":"…"}}}, in one pass:
// encoding/json would validate the message, decode it, validate the string
// again and unescape it. Anything else (an exception, another type, an
// escape it does not expect) is left to encoding/json.
func (a *evalAnswer) DecodeAnswer(msg []byte) bool {
	const (
		head = `{"id":`
		mid  = `,"result":{"result":{"type":"string","value":"`
		tail = `"}}}`
	)
	if len(msg) < len(head)+1+len(mid)+len(tail) || string(msg[:len(head)]) != head {
		return false
	}
	i := len(head)
	for i < len(msg) && msg[i] >= '0' && msg[i] <= '9' {
		i++
	}
	if i == len(head) || len(msg)-i < len(mid)+len(tail) || string(msg[i:i+len(mid)]) != mid || string(msg[len(msg)-len(tail):]) != tail {
		return false
	}
	s, ok := unquoteJSON(msg[i+len(mid) : len(msg)-len(tail)])
	if !ok {
		return false
	}
	a.Result.Type = "string"
	a.Result.Value = jsonValue{s: s, isString: true}
	a.ExceptionDetails = nil
	return true
}

// unquoteJSON unescapes the inside of a JSON string literal the way
// encoding/json does, and reports false where the input is not one: an
// unescaped quote or control character, a bad escape, invalid UTF-8 (which
// encoding/json would replace rather than refuse; that is left to it).
func unquoteJSON(b []byte) (string, bool) {
	plain := true
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 {
			plain = false
			break
		}
	}
	if plain {
		if !utf8.Valid(b) {
			return "", false
		}
		return string(b), true
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '"' || c < 0x20:
			return "", false
		case c != '\\':
			// Copy the run up to the next escape or quote at once.
			j := i + 1
			for j < len(b) && b[j] != '\\' && b[j] != '"' && b[j] >= 0x20 {
				j++
			}
			out = append(out, b[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(b) {
			return "", false
		}
		switch b[i+1] {
		case '"', '\\', '/':
			out = append(out, b[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair makes one rune; a lone half becomes U+FFFD, as
				// in encoding/json.
				if r2, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						out = utf8.AppendRune(out, dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	if !utf8.Valid(out) {
		return "", false
	}
	return string(out), true
}

// hex4 reads the four hex digits of a \u escape starting at b[i].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// jsonValue decodes a JSON string in place and only notes other kinds of
// values, so the page agent's answer is unescaped once, without an
// intermediate copy.
type jsonValue struct {
	s        string
	isString bool
}

func (v *jsonValue) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		return nil
	}
	v.isString = true
	return json.Unmarshal(b, &v.s)
}
