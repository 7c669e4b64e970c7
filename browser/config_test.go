package browser

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/browser/webdriver"
)

func TestSessionConfigDefaults(t *testing.T) {
	c := SessionConfig{}.WithDefaults()
	if c.PageLoadTimeout != 30*time.Second || c.IdleTimeout != 600*time.Second || c.Width != 1280 || c.Height != 800 || c.PromptBehavior != "accept" || c.Logger == nil {
		t.Errorf("defaults = %+v", c)
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	caps := c.capabilities()
	if caps["webSocketUrl"] != true || caps["unhandledPromptBehavior"] != "accept" {
		t.Errorf("caps = %v", caps)
	}
	if _, ok := caps["timeouts"]; ok {
		t.Errorf("timeouts belong to Set Timeouts after start, not to capabilities: %v", caps["timeouts"])
	}
	args := caps["goog:chromeOptions"].(map[string]any)["args"].([]string)
	for _, want := range []string{"--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--window-size=1280,800"} {
		if !slices.Contains(args, want) {
			t.Errorf("args lack %s: %v", want, args)
		}
	}
	c.DisableBiDi = true
	c.Capabilities = webdriver.Capabilities{"se:name": "agent-1", "pageLoadStrategy": "eager"}
	caps = c.capabilities()
	if _, ok := caps["webSocketUrl"]; ok || caps["se:name"] != "agent-1" || caps["pageLoadStrategy"] != "eager" {
		t.Errorf("overrides = %v", caps)
	}
	for _, bad := range []SessionConfig{{Width: 50}, {PromptBehavior: "maybe"}, {PageLoadTimeout: -time.Second}} {
		if err := bad.WithDefaults().validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestAcquireOptions(t *testing.T) {
	o := AcquireOptions{}.WithDefaults()
	if o.Width != DefaultWidth || o.Height != DefaultHeight {
		t.Errorf("defaults %+v", o)
	}
	for _, bad := range []AcquireOptions{{Width: 10, Height: 800}, {Width: 1280, Height: 99999}, {Width: 1280, Height: 800, PageLoadTimeout: -1}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestBiDiURL(t *testing.T) {
	for _, c := range []struct{ endpoint, ws, want string }{
		{"http://127.0.0.1:41000", "ws://localhost:4444/session/abc", "ws://127.0.0.1:41000/session/abc"},
		{"https://grid.example/wd/hub", "ws://10.0.0.3:4444/session/abc/se/bidi", "wss://grid.example/session/abc/se/bidi"},
		{"http://user:pw@grid:4444", "ws://grid:4444/session/x", "ws://user:pw@grid:4444/session/x"},
	} {
		got, err := bidiURL(c.endpoint, c.ws)
		if err != nil || got != c.want {
			t.Errorf("bidiURL(%q, %q) = %q, %v; want %q", c.endpoint, c.ws, got, err, c.want)
		}
	}
	if _, err := bidiURL("http://x", "::bad"); err == nil || !strings.Contains(err.Error(), "BiDi URL") {
		t.Errorf("bad ws URL: %v", err)
	}
}

func TestLoopbackEndpoint(t *testing.T) {
	for ep, want := range map[string]bool{
		"http://127.0.0.1:9515":     true,
		"http://localhost:4444/wd":  true,
		"http://[::1]:4444":         true,
		"http://127.8.0.1:1":        true,
		"http://10.0.0.3:4444":      false,
		"https://grid.example:4444": false,
		"::bad":                     false,
	} {
		if got := loopbackEndpoint(ep); got != want {
			t.Errorf("loopbackEndpoint(%q) = %v, want %v", ep, got, want)
		}
	}
}
