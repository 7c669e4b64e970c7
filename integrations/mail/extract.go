package mail

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// readHTML returns the visible text of an HTML body and its links with
// the text they are shown with.
func readHTML(src string) (string, []Link) {
	z := html.NewTokenizer(strings.NewReader(src))
	var text strings.Builder
	var links []Link
	var open *Link // the <a> being read
	var anchor strings.Builder
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case html.ErrorToken:
			return text.String(), links
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			text.WriteString(t)
			if open != nil {
				anchor.WriteString(t)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "table":
				text.WriteString("\n")
			case "a":
				var href string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						href = strings.TrimSpace(string(v))
					}
				}
				if webURL(href) {
					open = &Link{URL: href}
					anchor.Reset()
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			case "p", "div", "tr", "li", "h1", "h2", "h3":
				text.WriteString("\n")
			case "a":
				if open != nil {
					open.Text = strings.Join(strings.Fields(anchor.String()), " ")
					links = append(links, *open)
					open = nil
				}
			}
		}
	}
}

var urlInText = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// textLinks finds bare URLs in plain text.
func textLinks(text string) []Link {
	var out []Link
	for _, u := range urlInText.FindAllString(text, MaxLinks) {
		u = strings.TrimRight(u, ".,;:!?")
		if webURL(u) {
			out = append(out, Link{URL: u})
		}
	}
	return out
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// dedupLinks keeps the first of each URL (an HTML link's text wins over
// the same URL found bare) and at most MaxLinks.
func dedupLinks(in []Link) []Link {
	var out []Link
	seen := map[string]bool{}
	for _, l := range in {
		if seen[l.URL] || len(out) == MaxLinks {
			continue
		}
		seen[l.URL] = true
		out = append(out, l)
	}
	return out
}

var (
	// A digit code is 4 to 8 digits standing alone, optionally split once
	// by a space or hyphen ("123 456", "123-456").
	codePattern = regexp.MustCompile(`(?:^|[^\w./:-])(\d{3,4}[ -]\d{3,4}|\d{4,8})(?:$|[^\w/:-]|[.,!?](?:\s|$))`)
	codeWords   = regexp.MustCompile(`(?i)\b(code|otp|pin|passcode|verification|verify|one[- ]time|token|2fa)\b`)
	// A word that may be a letter-and-digit code ("AB12CD", "K7P-Q2X"):
	// letters and digits, optionally in two groups joined by a hyphen.
	wordPattern = regexp.MustCompile(`[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?`)
	// A code of capital letters only ("XKQWPZ") counts only right after
	// the word code: "code: XKQWPZ", "code is XKQWPZ".
	letterCode = regexp.MustCompile(`(?i:\b(?:code|otp|passcode|pin))(?:\s*:\s*|\s+is\s+|\s+)([A-Z]{4,10})\b`)
)

// nearWords is how far before a code its code word may stand.
const nearWords = 60

type foundCode struct {
	code  string
	near  bool
	index int
}

// findCodes returns the one-time codes of a text, those near a word such
// as "code" first, each group in the order of the text. Digits inside
// URLs, dates and longer numbers are not codes. Codes with letters
// ("code: AB12CD") count only near a code word, where they mix letters
// and digits or are all capitals right after "code": elsewhere such words
// are product names and references, not codes.
func findCodes(text string) []string {
	text = urlInText.ReplaceAllString(text, " ")
	near := func(start int) bool { return codeWords.MatchString(text[max(0, start-nearWords):start]) }
	var all []foundCode
	for _, m := range codePattern.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[2], m[3]
		code := strings.NewReplacer(" ", "", "-", "").Replace(text[start:end])
		if len(code) < 4 || len(code) > 8 {
			continue
		}
		all = append(all, foundCode{code: code, near: near(start), index: start})
	}
	for _, m := range wordPattern.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		if start > 0 && strings.ContainsRune("./:@_-", rune(text[start-1])) || end < len(text) && strings.ContainsRune("/:@_", rune(text[end])) {
			continue // part of a path, an address or an identifier
		}
		word := text[start:end]
		if n := len(strings.ReplaceAll(word, "-", "")); n < 4 || n > 12 || !mixed(word) || !near(start) {
			continue
		}
		all = append(all, foundCode{code: word, near: true, index: start})
	}
	for _, m := range letterCode.FindAllStringSubmatchIndex(text, -1) {
		all = append(all, foundCode{code: text[m[2]:m[3]], near: true, index: m[2]})
	}
	slices.SortStableFunc(all, func(a, b foundCode) int {
		switch {
		case a.near != b.near && a.near:
			return -1
		case a.near != b.near:
			return 1
		}
		return a.index - b.index
	})
	var out []string
	for _, f := range all {
		if !slices.Contains(out, f.code) && len(out) < MaxCodes {
			out = append(out, f.code)
		}
	}
	return out
}

// mixed reports whether w has both letters and digits.
func mixed(w string) bool {
	return strings.ContainsAny(w, "0123456789") && strings.ContainsFunc(w, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' })
}
