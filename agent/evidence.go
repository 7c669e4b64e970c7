package agent

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/argusqa/argus/browser"
)

// evidence follows the page's console and network buffers and reports
// what is new since the last look: console errors and failed requests are
// evidence of a broken application, for the model and for summaries.
type evidence struct {
	sess        browser.Session
	consoleSeen map[string]int // entry key → times seen, to spot new ones
	netSeen     map[string]int
	errors      []string               // every console error so far, newest last
	failed      []browser.NetworkEvent // every failed request so far
}

func newEvidence(sess browser.Session) *evidence {
	return &evidence{sess: sess, consoleSeen: map[string]int{}, netSeen: map[string]int{}}
}

// news returns the console errors and failed requests that appeared since
// the last call.
func (e *evidence) news() (consoleErrors, failedRequests []string) {
	counts := map[string]int{}
	for _, c := range e.sess.Console() {
		if c.Level != "error" {
			continue
		}
		key := c.Time.Format(time.RFC3339Nano) + c.Text
		counts[key]++
		if counts[key] > e.consoleSeen[key] {
			e.consoleSeen[key] = counts[key]
			msg := oneLine(c.Text, 200)
			consoleErrors = append(consoleErrors, msg)
			e.errors = append(e.errors, msg)
		}
	}
	counts = map[string]int{}
	for _, n := range e.sess.Network() {
		if !n.Failed() {
			continue
		}
		key := n.Time.Format(time.RFC3339Nano) + n.Method + n.URL
		counts[key]++
		if counts[key] > e.netSeen[key] {
			e.netSeen[key] = counts[key]
			failedRequests = append(failedRequests, describeRequest(n))
			e.failed = append(e.failed, n)
		}
	}
	return consoleErrors, failedRequests
}

func describeRequest(n browser.NetworkEvent) string {
	status := fmt.Sprint(n.Status)
	if n.Error != "" {
		status = n.Error
	}
	return fmt.Sprintf("%s %s → %s", n.Method, oneLine(n.URL, 150), status)
}

// failedRequests describes the failed requests seen so far that keep
// returns true for.
func (e *evidence) failedRequests(keep func(browser.NetworkEvent) bool) []string {
	var out []string
	for _, n := range e.failed {
		if keep(n) {
			out = append(out, describeRequest(n))
		}
	}
	return out
}

// ownRequest reports whether a request was made by the page rather than by
// the browser on its own: a missing /favicon.ico, which Chromium asks for on
// every site, is not the application's failure.
func ownRequest(n browser.NetworkEvent) bool {
	u, err := url.Parse(n.URL)
	return n.Document || err != nil || u.Path != "/favicon.ico"
}

// sameOrigin returns a filter for requests to the origin of base (scheme,
// host and port); every request passes when base has no host.
func sameOrigin(base string) func(browser.NetworkEvent) bool {
	b, err := url.Parse(base)
	if err != nil || b.Host == "" {
		return func(browser.NetworkEvent) bool { return true }
	}
	return func(n browser.NetworkEvent) bool {
		u, err := url.Parse(n.URL)
		return err == nil && strings.EqualFold(u.Scheme, b.Scheme) && strings.EqualFold(u.Host, b.Host)
	}
}

// summary is a sentence on the evidence seen in the whole run, for failure
// summaries; empty when there is none.
func (e *evidence) summary() string {
	var parts []string
	if n := len(e.errors); n > 0 {
		parts = append(parts, fmt.Sprintf("%d console error(s), last: %s", n, e.errors[n-1]))
	}
	if n := len(e.failed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d failed request(s), last: %s", n, describeRequest(e.failed[n-1])))
	}
	if len(parts) == 0 {
		return ""
	}
	return "The page reported " + strings.Join(parts, "; ") + "."
}

func describeNews(consoleErrors, failedRequests []string) string {
	var parts []string
	if len(consoleErrors) > 0 {
		parts = append(parts, fmt.Sprintf("%d new console error(s): %s", len(consoleErrors), strings.Join(limit(consoleErrors, 3), " | ")))
	}
	if len(failedRequests) > 0 {
		parts = append(parts, fmt.Sprintf("%d failed request(s): %s", len(failedRequests), strings.Join(limit(failedRequests, 3), " | ")))
	}
	return strings.Join(parts, "; ")
}

func limit(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("… %d more", len(s)-n))
}

// oneLine collapses whitespace and cuts s to at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
