package webdriver

import "testing"

func TestAnswerID(t *testing.T) {
	for _, c := range []struct {
		msg  string
		id   int64
		isOK bool
	}{
		{`{"id":7,"result":{}}`, 7, true},
		{`{"id":123456789,"error":{"code":-32601,"message":"x"}}`, 123456789, true},
		{`{"id":5}`, 5, true},
		{`{"method":"Page.loadEventFired","params":{}}`, 0, false},
		// Not in Chrome's order, or spaced: decoded in full.
		{`{"result":{},"id":9}`, 9, true},
		{`{ "id" : 11, "result":{}}`, 11, true},
		// The fast path never accepts what the full decoder would refuse.
		{`{"id":12x`, 0, false},
		{`{"id":99999999999999999999999,"result":{}}`, 0, false},
		{`{"id":`, 0, false},
		{`not json`, 0, false},
	} {
		id, ok := answerID([]byte(c.msg))
		if id != c.id || ok != c.isOK {
			t.Errorf("answerID(%s) = %d, %v; want %d, %v", c.msg, id, ok, c.id, c.isOK)
		}
	}
}
