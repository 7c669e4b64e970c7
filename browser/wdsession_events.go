package browser

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/argusqa/argus/browser/webdriver"
)

const eventUserPromptOpened = "browsingContext.userPromptOpened"

// bidiEvents returns the BiDi events a session subscribes to.
func bidiEvents() []string {
	return []string{
		webdriver.EventLogEntryAdded,
		webdriver.EventNetworkResponseCompleted,
		webdriver.EventNetworkFetchError,
		eventUserPromptOpened,
	}
}

// onEvent runs on the BiDi read goroutine: decode, cap, store. Event
// content is page content, so it goes to the in-memory buffers only and
// never to the logger.
func (s *wdSession) onEvent(e webdriver.Event) {
	switch e.Method {
	case eventScreencastFrame:
		s.onScreencastFrame(e.Params)
	case webdriver.EventLogEntryAdded:
		le, err := webdriver.ParseLogEntry(e.Params)
		if err != nil {
			s.logger.Debug("undecodable BiDi log event", "err", err)
			return
		}
		s.console.add(ConsoleEntry{Time: orNow(le.Time), Source: le.Type, Level: le.Level, Text: clipText(le.Text), URL: clipText(le.URL), Line: le.Line})
	case webdriver.EventNetworkResponseCompleted, webdriver.EventNetworkFetchError:
		ne, err := webdriver.ParseNetworkEvent(e.Method, e.Params)
		if err != nil {
			s.logger.Debug("undecodable BiDi network event", "err", err)
			return
		}
		ev := NetworkEvent{Time: orNow(ne.Time), Method: ne.Method, URL: clipText(ne.URL), Status: ne.Status, Size: ne.Size, Error: ne.Error, Document: ne.Navigation}
		if s.egress != nil && ev.Failed() && s.egress.matchesRefusal(ev) {
			return // recorded by the proxy when it refused it, with the reason
		}
		s.network.add(ev)
	case eventUserPromptOpened:
		var p struct {
			Type    string `json:"type"`
			Message string `json:"message"`
			Handler string `json:"handler"`
		}
		if json.Unmarshal(e.Params, &p) != nil {
			return
		}
		how := map[string]string{"accept": "accepted", "dismiss": "dismissed", "ignore": "left open"}[p.Handler]
		if how == "" {
			how = "answered: " + p.Handler
		}
		s.console.add(ConsoleEntry{Time: time.Now(), Source: "dialog", Level: "info", Text: clipText(fmt.Sprintf("%s %s (%s)", p.Type, quote(p.Message), how))})
	}
}

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

func (s *wdSession) Console() []ConsoleEntry {
	out, _ := s.console.snapshot()
	return out
}

func (s *wdSession) Network() []NetworkEvent {
	out, _ := s.network.snapshot()
	return out
}
