package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"unicode/utf8"
)

// ErrMalformed marks a message whose headers or MIME structure cannot be
// read; the receiver answers it with 554 5.6.0.
var ErrMalformed = errors.New("malformed message")

// Bounds on the MIME tree, so a hostile message cannot make the parser
// recurse or allocate without end.
const (
	maxDepth = 8
	maxParts = 100
)

// Parse reads one RFC 5322 message and returns its readable shape. To and
// Received are left for the caller (they belong to the delivery, not the
// text). Errors wrap ErrMalformed.
func Parse(raw []byte) (*Message, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: headers: %v", ErrMalformed, err)
	}
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return nil, fmt.Errorf("%w: subject: %v", ErrMalformed, err)
	}
	from := m.Header.Get("From")
	if a, err := (&netmail.AddressParser{WordDecoder: dec}).Parse(from); err == nil {
		from = a.String()
		if a.Name == "" {
			from = a.Address
		}
	} else if from, err = dec.DecodeHeader(from); err != nil {
		return nil, fmt.Errorf("%w: from: %v", ErrMalformed, err)
	}
	w := &walker{}
	if err := w.part(m.Header, m.Body, 0); err != nil {
		return nil, err
	}
	return FromParts(subject, from, w.plain, w.html), nil
}

// header is the part of a MIME header the walker needs.
type header interface{ Get(string) string }

type walker struct {
	plain, html string
	parts       int
}

func (w *walker) part(h header, body io.Reader, depth int) error {
	w.parts++
	if depth > maxDepth || w.parts > maxParts {
		return fmt.Errorf("%w: MIME structure deeper than %d or with more than %d parts", ErrMalformed, maxDepth, maxParts)
	}
	ct := h.Get("Content-Type")
	mediaType, params := "text/plain", map[string]string{"charset": "us-ascii"}
	if ct != "" {
		var err error
		if mediaType, params, err = mime.ParseMediaType(ct); err != nil {
			return fmt.Errorf("%w: content type %q: %v", ErrMalformed, truncate(ct, 80), err)
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%w: %s without a boundary", ErrMalformed, mediaType)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%w: multipart: %v", ErrMalformed, err)
			}
			if err := w.part(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}
	if mediaType != "text/plain" && mediaType != "text/html" {
		return nil // attachments and images say nothing a test reads
	}
	if strings.EqualFold(h.Get("Content-Disposition"), "attachment") || strings.HasPrefix(strings.ToLower(h.Get("Content-Disposition")), "attachment;") {
		return nil
	}
	data, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	text := decodeCharset(params["charset"], data)
	switch {
	case mediaType == "text/plain" && w.plain == "":
		w.plain = text
	case mediaType == "text/html" && w.html == "":
		w.html = text
	}
	return nil
}

// decodeBody undoes a Content-Transfer-Encoding, reading at most
// MaxTextBytes*4 (an HTML part may be far larger than its text).
func decodeBody(cte string, body io.Reader) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		r = body
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &stripSpace{r: body})
	default:
		return nil, fmt.Errorf("%w: unknown transfer encoding %q", ErrMalformed, truncate(cte, 40))
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxTextBytes*4))
	if err != nil {
		return nil, fmt.Errorf("%w: %s body: %v", ErrMalformed, cte, err)
	}
	return data, nil
}

// stripSpace drops CR, LF, spaces and tabs, which base64 bodies carry
// between lines and encoding/base64 only partly ignores.
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		j := 0
		for _, b := range p[:n] {
			if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// charsetReader supports what applications send in practice: UTF-8,
// US-ASCII and ISO-8859-1 / Windows-1252 (read as Latin-1).
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	data, err := io.ReadAll(io.LimitReader(input, 4096))
	if err != nil {
		return nil, err
	}
	return strings.NewReader(decodeCharset(charset, data)), nil
}

func decodeCharset(charset string, data []byte) string {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return strings.ToValidUTF8(string(data), "\uFFFD")
	case "iso-8859-1", "latin1", "windows-1252", "cp1252":
		var b strings.Builder
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		return b.String()
	}
	// Another charset: read as UTF-8 with replacement characters, so
	// the ASCII that links and codes are made of still comes through.
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

// clean removes control characters other than newlines and tabs and
// normalises line ends; max < 0 means no bound.
func clean(s string, max int) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if max >= 0 {
		s = truncate(s, max)
	}
	return strings.TrimSpace(s)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func preview(text string) string {
	p := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(p) <= PreviewChars {
		return p
	}
	r := []rune(p)
	return string(r[:PreviewChars-1]) + "…"
}
