package mail

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseShapes(t *testing.T) {
	cases := []struct {
		name, raw string
		text      string
		links     []Link
		codes     []string
	}{
		{
			name:  "plain text with a bare link and a code",
			raw:   "Subject: Your code\r\n\r\nUse 123456 to sign in, or open https://app.example/magic?t=abc.\r\n",
			text:  "Use 123456 to sign in, or open https://app.example/magic?t=abc.",
			links: []Link{{URL: "https://app.example/magic?t=abc"}},
			codes: []string{"123456"},
		},
		{
			name:  "base64 html only",
			raw:   "Subject: hi\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPGEgaHJlZj0iaHR0cDovL3gudGVzdC9yZXNldCI+UmVzZXQ8L2E+\r\n",
			text:  "Reset",
			links: []Link{{Text: "Reset", URL: "http://x.test/reset"}},
		},
		{
			name:  "code words win over other numbers; URLs and years are not codes",
			raw:   "Subject: Order 2026\r\n\r\nOrder 55501 shipped.\nYour one-time code: 774 219\nhttps://x.test/o/99887766\n",
			codes: []string{"774219", "2026", "55501"},
			links: []Link{{URL: "https://x.test/o/99887766"}},
			text:  "Order 55501 shipped.\nYour one-time code: 774 219\nhttps://x.test/o/99887766",
		},
		{
			name:  "letters and digits after a code word; product names elsewhere are not codes",
			raw:   "Subject: Sign in\r\n\r\nThanks for using the MP3000 player.\nYour sign-in code: AB12CD\nOr type code K7P-Q2X.\n",
			text:  "Thanks for using the MP3000 player.\nYour sign-in code: AB12CD\nOr type code K7P-Q2X.",
			codes: []string{"AB12CD", "K7P-Q2X"},
		},
		{
			name:  "capital letters right after code",
			raw:   "Subject: Verify\r\n\r\nYour code is XKQWPZ. Order SHIPPED today.\n",
			text:  "Your code is XKQWPZ. Order SHIPPED today.",
			codes: []string{"XKQWPZ"},
		},
		{
			name: "latin-1 and an attachment skipped",
			raw: "Subject: =?ISO-8859-1?Q?Caf=E9?=\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n" +
				"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n--zz\r\n" +
				"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n999999\r\n--zz--\r\n",
			text: "café",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != c.text {
				t.Errorf("text = %q, want %q", m.Text, c.text)
			}
			if !slices.Equal(m.Links, c.links) {
				t.Errorf("links = %+v, want %+v", m.Links, c.links)
			}
			if !slices.Equal(m.Codes, c.codes) {
				t.Errorf("codes = %q, want %q", m.Codes, c.codes)
			}
		})
	}
}

func TestParseBoundsTheTree(t *testing.T) {
	var b strings.Builder
	b.WriteString("Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 1; i <= maxDepth+2; i++ {
		b.WriteString("--b" + string(rune('0'+i-1)) + "\r\nContent-Type: multipart/mixed; boundary=b" + string(rune('0'+i)) + "\r\n\r\n")
	}
	if _, err := Parse([]byte(b.String())); !errors.Is(err, ErrMalformed) {
		t.Errorf("deep tree: %v", err)
	}
}

func TestLabelFor(t *testing.T) {
	for in, want := range map[string]string{"Demo Shop": "demo-shop", "  ": "project", "Ünïcode & Co!": "n-code-co", strings.Repeat("ab", 30): strings.Repeat("ab", 20)} {
		if got := LabelFor(in); got != want || !ValidLabel(got) {
			t.Errorf("LabelFor(%q) = %q, want %q", in, got, want)
		}
	}
}
