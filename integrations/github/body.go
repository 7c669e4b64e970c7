package github

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits on the untrusted texts put into issues. GitHub refuses bodies over
// 65,536 characters; these keep an issue readable well below that.
const (
	maxTitle   = 200
	maxSummary = 6000
	maxStep    = 1500
)

func testMarker(testID string) string   { return "<!-- argus-test:" + testID + " -->" }
func agentMarker(agentID string) string { return "<!-- argus-agent:" + agentID + " -->" }

var mention = regexp.MustCompile(`(^|[^\w])@(\w)`)

// untrusted makes text from the agent (which read the application under
// test, so anything may be in it) safe to put into an issue: no HTML
// comment that could forge or hide a marker, no @mention that would notify
// a stranger, and a bounded length.
func untrusted(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "<!--", "&lt;!--")
	s = strings.ReplaceAll(s, "-->", "--&gt;")
	// A zero-width space after the @ keeps the text readable but is not a
	// mention to GitHub.
	s = mention.ReplaceAllString(s, "$1@\u200b$2")
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "… (truncated)"
	}
	return s
}

// quote renders text as a Markdown block quote.
func quote(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// fence renders text as a code block whose fence is longer than any run of
// backticks in it, so the text cannot close the block early.
func fence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + "text\n" + s + "\n" + f
}

// link returns a Markdown link to u when u is an absolute http(s) URL, and
// "" otherwise (a javascript: link in an issue would be GitHub's problem,
// but a malformed one would still be ours).
func link(text, u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return "[" + text + "](" + p.String() + ")"
}

func verdictWord(s Status) string {
	if s == StatusError {
		return "could not be run"
	}
	return "failed"
}

func title(o Outcome) string {
	name := strings.TrimSpace(strings.ReplaceAll(o.TestName, "\n", " "))
	if name == "" {
		name = o.TestID
	}
	return "Argus: " + untrusted(name, maxTitle) + " " + verdictWord(o.Status)
}

// details is the part of an issue or comment that describes one failed
// agent.
func details(o Outcome) string {
	var b strings.Builder
	if s := strings.TrimSpace(o.Summary); s != "" {
		b.WriteString(quote(untrusted(s, maxSummary)) + "\n\n")
	}
	if s := strings.TrimSpace(o.FailingStep); s != "" {
		b.WriteString("**Failing step**\n\n" + fence(untrusted(s, maxStep)) + "\n\n")
	}
	var links []string
	if l := link("screenshot", o.ScreenshotURL); l != "" {
		links = append(links, l)
	}
	if l := link("run", o.RunURL); l != "" {
		links = append(links, l)
	}
	if l := link("agent", o.AgentURL); l != "" {
		links = append(links, l)
	}
	if len(links) > 0 {
		b.WriteString(strings.Join(links, " · ") + "\n\n")
	}
	if o.Commit != "" || o.Branch != "" {
		var ref []string
		if o.Branch != "" {
			ref = append(ref, "branch `"+untrusted(strings.ReplaceAll(o.Branch, "`", ""), 200)+"`")
		}
		if o.Commit != "" {
			ref = append(ref, "commit `"+untrusted(strings.ReplaceAll(o.Commit, "`", ""), 64)+"`")
		}
		b.WriteString("Tested " + strings.Join(ref, ", ") + ".\n\n")
	}
	return b.String()
}

func markers(o Outcome) string {
	m := testMarker(o.TestID) + "\n"
	if o.AgentID != "" {
		m += agentMarker(o.AgentID) + "\n"
	}
	return m
}

func issueBody(o Outcome) string {
	return markers(o) + fmt.Sprintf("The Argus test **%s** %s.\n\n", untrusted(o.TestName, maxTitle), verdictWord(o.Status)) +
		details(o) +
		"<sub>Opened by Argus. New failures of this test are added here as comments; when it passes again, this issue says so.</sub>\n"
}

func failedAgainComment(o Outcome) string {
	return markers(o) + fmt.Sprintf("**%s again.**\n\n", capitalise(verdictWord(o.Status))) + details(o)
}

func passedComment(o Outcome, closing bool) string {
	s := markers(o) + "**Passing again.**"
	var links []string
	if l := link("run", o.RunURL); l != "" {
		links = append(links, l)
	}
	if l := link("agent", o.AgentURL); l != "" {
		links = append(links, l)
	}
	if len(links) > 0 {
		s += " " + strings.Join(links, " · ")
	}
	if closing {
		s += "\n\nClosing this issue; a new failure opens a new one."
	}
	return s + "\n"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
