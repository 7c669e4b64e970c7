package mail

// FromParts builds a Message from a body that arrives already decoded — as
// Microsoft Graph returns it — by the rules Parse applies to a MIME message:
// links from the HTML with their text (and bare URLs in the text), one-time
// codes from the subject and text, the preview. plain or html may be empty.
// To, Received and ID are the caller's.
func FromParts(subject, from, plain, html string) *Message {
	msg := &Message{Subject: clean(subject, 998), From: clean(from, 998)}
	text, links := plain, []Link(nil)
	if html != "" {
		htmlText, htmlLinks := readHTML(html)
		links = htmlLinks
		if text == "" {
			text = htmlText
		}
	}
	links = append(links, textLinks(text)...)
	msg.Text = truncate(clean(text, -1), MaxTextBytes)
	msg.Links = dedupLinks(links)
	msg.Codes = findCodes(msg.Subject + "\n" + msg.Text)
	msg.Preview = preview(msg.Text)
	return msg
}

// PreviewOf is text as a Message's preview: spaces collapsed, at most
// PreviewChars characters.
func PreviewOf(text string) string { return preview(clean(text, -1)) }
