package browser

import (
	"encoding/json"
	"testing"
)

// slowAnswer decodes msg the ordinary way, as DevTools.Call does when
// DecodeAnswer declines.
func slowAnswer(t testing.TB, msg []byte) (evalAnswer, bool) {
	t.Helper()
	var a struct {
		Result *evalAnswer `json:"result"`
	}
	a.Result = new(evalAnswer)
	if err := json.Unmarshal(msg, &a); err != nil {
		return evalAnswer{}, false
	}
	return *a.Result, true
}

func stringMessage(value string) []byte {
	v, _ := json.Marshal(value)
	return []byte(`{"id":42,"result":{"result":{"type":"string","value":` + string(v) + `}}}`)
}

func TestDecodeAnswerMatchesEncodingJSON(t *testing.T) {
	for _, v := range []string{
		"",
		"plain ascii",
		`{"tok":"a1","els":[{"i":1,"n":"Sign \"in\"","b":[1,2,3,4]}],"text":"line\nnext\ttab \\ back"}`,
		"ünïcödé, 日本語, emoji 😀 and </script>",
		"\u2028\u2029 separators, \x01 control, \x7f del",
	} {
		msg := stringMessage(v)
		var fast evalAnswer
		if !fast.DecodeAnswer(msg) {
			t.Errorf("fast path declined %s", msg)
			continue
		}
		slow, ok := slowAnswer(t, msg)
		if !ok || fast.Result.Value != slow.Result.Value || fast.Result.Type != slow.Result.Type || fast.Result.Value.s != v {
			t.Errorf("fast %q, slow %q, want %q", fast.Result.Value.s, slow.Result.Value.s, v)
		}
	}
}

func TestDecodeAnswerDeclinesOtherShapes(t *testing.T) {
	for _, msg := range []string{
		`{"id":1,"result":{"result":{"type":"number","value":3,"description":"3"}}}`,
		`{"id":1,"result":{"result":{"type":"object","subtype":"error"},"exceptionDetails":{"text":"Uncaught"}}}`,
		`{"id":1,"error":{"code":-32000,"message":"Cannot find context"}}`,
		`{"id":1,"result":{"result":{"type":"string","value":"a"b"}}}`,            // unescaped quote
		`{"id":1,"result":{"result":{"type":"string","value":"a\qb"}}}`,           // bad escape
		`{"id":1,"result":{"result":{"type":"string","value":"a\u12"}}}`,          // short \u
		`{"id":1,"result":{"result":{"type":"string","value":"a` + "\n" + `"}}}`,  // raw control
		`{"id":1,"result":{"result":{"type":"string","value":"` + "\xff" + `"}}}`, // invalid UTF-8
		`{"id":,"result":{"result":{"type":"string","value":"a"}}}`,
		`{"id":1,"result":{"result":{"type":"string","value":"a\"}}}`, // escaped closing quote
	} {
		var a evalAnswer
		if a.DecodeAnswer([]byte(msg)) {
			t.Errorf("fast path accepted %s as %q", msg, a.Result.Value.s)
		}
	}
}

// Lone and paired surrogate escapes (JSON.stringify writes lone ones as
// \udXXX) decode as encoding/json decodes them.
func TestDecodeAnswerSurrogates(t *testing.T) {
	for _, esc := range []string{`\ud83d\ude00`, `\ud83d`, `\ude00x`, `\ud83d\u0041`, `\u00e9\u0000`} {
		msg := []byte(`{"id":3,"result":{"result":{"type":"string","value":"` + esc + `"}}}`)
		var fast evalAnswer
		if !fast.DecodeAnswer(msg) {
			t.Errorf("fast path declined %s", esc)
			continue
		}
		slow, _ := slowAnswer(t, msg)
		if fast.Result.Value.s != slow.Result.Value.s {
			t.Errorf("%s: fast %q, encoding/json %q", esc, fast.Result.Value.s, slow.Result.Value.s)
		}
	}
}

// FuzzDecodeAnswer: whatever the fast path accepts, encoding/json reads
// the same way.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add([]byte(`{"id":1,"result":{"result":{"type":"string","value":"a\"b\\c\u00e9\ud83d\ude00"}}}`))
	f.Add(stringMessage("x\ny"))
	f.Add([]byte(`{"id":1,"result":{"result":{"type":"string","value":"\ud800"}}}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		var fast evalAnswer
		if !fast.DecodeAnswer(msg) {
			return
		}
		slow, ok := slowAnswer(t, msg)
		if !ok {
			t.Fatalf("fast path accepted %q, which encoding/json refuses", msg)
		}
		if fast.Result.Value != slow.Result.Value || fast.Result.Type != slow.Result.Type {
			t.Fatalf("%q: fast %+v, encoding/json %+v", msg, fast.Result, slow.Result)
		}
	})
}
