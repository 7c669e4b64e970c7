package mail

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary bytes to the parser: it must return a message
// or an ErrMalformed error, never panic, and keep its bounds.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"Subject: x\r\n\r\nbody 123456 https://a.test/x\r\n",
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<a href=\"http://x.test\">go</a>\r\n--b--\r\n",
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n",
		"Subject: =?utf-8?b?w6k=?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C3=A9=\r\n",
		"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		if len(m.Text) > MaxTextBytes || len(m.Links) > MaxLinks || len(m.Codes) > MaxCodes {
			t.Fatalf("bounds: text %d links %d codes %d", len(m.Text), len(m.Links), len(m.Codes))
		}
		if utf8.RuneCountInString(m.Preview) > PreviewChars || !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Fatalf("preview or text not bounded valid UTF-8")
		}
	})
}
