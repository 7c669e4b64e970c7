package browser_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/argusqa/argus/browser"
)

// TestIdentity checks a persona's locale, time zone and user agent reach
// both what the server receives and what the page's scripts see, and that
// a session without one keeps the browser's own.
func TestIdentity(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>headers</title><p id="ua">%s</p><p id="al">%s</p>`,
			html.EscapeString(r.UserAgent()), html.EscapeString(r.Header.Get("Accept-Language")))
	}))
	defer srv.Close()

	type seen struct {
		HeaderUA, HeaderLang, UA, Lang, Zone, Formatted string
	}
	look := func(t *testing.T, s browser.Session) seen {
		t.Helper()
		ctx := t.Context()
		if err := s.Navigate(ctx, srv.URL+"/"); err != nil {
			t.Fatal(err)
		}
		raw, err := s.ExecuteScript(ctx, `return {
  HeaderUA: document.getElementById("ua").textContent, HeaderLang: document.getElementById("al").textContent,
  UA: navigator.userAgent, Lang: navigator.language, Zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  Formatted: new Date(Date.UTC(2026, 0, 15, 12, 0, 0)).toLocaleString(undefined, {hour: "numeric", month: "long", timeZoneName: "short"})};`)
		if err != nil {
			t.Fatal(err)
		}
		var out seen
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	id := browser.Identity{Locale: "de-DE", Timezone: "Asia/Tokyo", UserAgent: "ArgusPersona/1.0 (buyer)"}
	_, s := open(t, browser.SessionConfig{Identity: id})
	got := look(t, s)
	if got.HeaderUA != id.UserAgent || got.UA != id.UserAgent {
		t.Errorf("user agent: header %q, navigator %q", got.HeaderUA, got.UA)
	}
	if !strings.HasPrefix(got.HeaderLang, "de-DE") || got.Lang != "de-DE" {
		t.Errorf("locale: Accept-Language %q, navigator.language %q", got.HeaderLang, got.Lang)
	}
	// 12:00 UTC is 21 Uhr in Tokyo, and the month is written in German.
	if got.Zone != "Asia/Tokyo" || !strings.Contains(got.Formatted, "Januar") || !strings.Contains(got.Formatted, "21") {
		t.Errorf("time zone %q, formatted %q", got.Zone, got.Formatted)
	}

	// A new page in the same session keeps the identity.
	again := look(t, s)
	if again != got {
		t.Errorf("second navigation: %+v, first %+v", again, got)
	}

	_, plain := open(t, browser.SessionConfig{})
	def := look(t, plain)
	if def.UA == id.UserAgent || def.Zone == "Asia/Tokyo" || def.Lang == "de-DE" {
		t.Errorf("a session without an identity took one: %+v", def)
	}
}

func TestIdentityValidate(t *testing.T) {
	for _, id := range []browser.Identity{
		{Locale: "english please"}, {Locale: "en,de"}, {Timezone: "Mars/Olympus"}, {Timezone: "Local"},
		{UserAgent: "bad\nheader"}, {UserAgent: strings.Repeat("a", browser.MaxUserAgentLen+1)},
	} {
		if err := id.Validate(); err == nil {
			t.Errorf("%+v accepted", id)
		}
	}
	for _, id := range []browser.Identity{{}, {Locale: "en-GB", Timezone: "Europe/Brussels", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"}, {Locale: "fr"}} {
		if err := id.Validate(); err != nil {
			t.Errorf("%+v: %v", id, err)
		}
	}
	if _, err := browser.OpenWebDriver(t.Context(), "http://127.0.0.1:1", browser.SessionConfig{DisableCDP: true, Identity: browser.Identity{Timezone: "Europe/Brussels"}}); err == nil ||
		!strings.Contains(err.Error(), "DevTools") {
		t.Errorf("a time zone without DevTools: %v", err)
	}
}
