package browser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/argusqa/argus/browser/webdriver"
)

// Defaults of SessionConfig; the timeouts are product promises (see the
// trust center).
const (
	// DefaultPageLoadTimeout bounds every navigation.
	DefaultPageLoadTimeout = 30 * time.Second
	// DefaultIdleTimeout is how long a session may go without a command
	// before the watchdog closes it.
	DefaultIdleTimeout = 600 * time.Second
	// DefaultScriptTimeout bounds ExecuteScript.
	DefaultScriptTimeout = 30 * time.Second
	// DefaultActionTimeout is how long Click, Type, Select and Scroll wait
	// for their element to become actionable.
	DefaultActionTimeout = 5 * time.Second
	// DefaultPromptBehavior answers alert/confirm/prompt dialogs.
	DefaultPromptBehavior = "accept"
)

// DefaultChromeArgs returns the flags Argus starts headless Chromium with:
// headless, no sandbox (containers run as root), and every background
// service that would reach the internet switched off.
//
// (--disable-crashpad-for-testing is deliberately absent: with it,
// chromedriver 156 sessions never navigate. Crash dumps, which could hold
// page memory, land in the provider's per-session directory instead and are
// removed with it.)
func DefaultChromeArgs() []string {
	return []string{
		"--headless=new",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-dev-shm-usage",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--no-first-run",
		"--disable-quic",
		"--disable-extensions",
		"--disable-default-apps",
		"--mute-audio",
		// Services --disable-background-networking leaves on: they call
		// Google from every form a test fills (autofill, password leak
		// check, account sign-in), and behind the egress proxy each one
		// would be a refused request in the test's evidence.
		"--disable-features=AutofillServerCommunication,PasswordLeakDetection,OptimizationHints,MediaRouter",
		"--disable-client-side-phishing-detection",
		"--disable-domain-reliability",
		"--no-pings",
	}
}

// quietPrefs turn off the password manager and autofill, which no flag
// does: they offer to save what a test types and ask Google about it.
var quietPrefs = map[string]any{
	"credentials_enable_service":              false,
	"profile.password_manager_enabled":        false,
	"profile.password_manager_leak_detection": false,
	"autofill.profile_enabled":                false,
	"autofill.credit_card_enabled":            false,
}

// SessionConfig configures OpenWebDriver. The zero value is usable: every
// field documents its default.
type SessionConfig struct {
	// Name identifies the session in logs, e.g. the agent id. Optional.
	Name string

	// ChromeBinary is the browser executable on the machine running the
	// driver. Empty lets the driver find it.
	ChromeBinary string
	// ChromeArgs are the browser flags. Nil means DefaultChromeArgs(). A
	// --window-size flag is added from Width and Height.
	ChromeArgs []string
	// Capabilities are merged over the capabilities built from the fields
	// above (top-level keys replace), e.g. {"se:name": "agent-42"} for a
	// Grid or a different "goog:chromeOptions".
	Capabilities webdriver.Capabilities
	// Width and Height are the window size in CSS pixels; 0 means
	// DefaultWidth × DefaultHeight.
	Width, Height int

	// PageLoadTimeout bounds every navigation; 0 means 30 s.
	PageLoadTimeout time.Duration
	// Identity is the language, time zone and user agent the browser
	// presents; the zero value keeps Chromium's own. A time zone or locale
	// needs DevTools (the CDP pass-through), so DisableCDP cannot go with
	// them.
	Identity Identity
	// ScriptTimeout bounds ExecuteScript; 0 means 30 s.
	ScriptTimeout time.Duration
	// ActionTimeout is how long actions wait for their element to become
	// actionable; 0 means 5 s.
	ActionTimeout time.Duration
	// IdleTimeout closes the session when it got no command for that long
	// (later calls fail with ErrIdleTimeout); 0 means 600 s, negative
	// disables the watchdog.
	IdleTimeout time.Duration
	// PromptBehavior is the W3C unhandledPromptBehavior for dialogs the
	// page opens: "accept" (default: the agent clicked the button that
	// asked, so it means it), "dismiss", or their "... and notify" forms.
	// Each dialog is also recorded in Console as Source "dialog".
	PromptBehavior string

	// DisableCDP forces the classic W3C commands even where chromedriver's
	// CDP pass-through works.
	DisableCDP bool
	// DisableDirectCDP keeps DevTools commands on chromedriver's
	// pass-through even where the browser's own DevTools endpoint is
	// reachable (a driver on this machine), which is faster by about 4 ms
	// per command.
	DisableDirectCDP bool
	// DisableBiDi skips the BiDi connection; Console and Network then stay
	// empty.
	DisableBiDi bool

	// Egress is where the browser may send requests: with it, the
	// browser's only way out is a proxy of this process that checks every
	// request (see EgressPolicy). Nil lets every request through.
	Egress *EgressPolicy
	// EgressProxyListen is where that proxy listens, an address the
	// browser reaches it at: "127.0.0.1:0" (the default) for a browser on
	// this machine or on the host's network, the Docker network's gateway
	// address for containers on a bridge.
	EgressProxyListen string

	// UploadFile makes a local file readable by the browser and returns
	// its path there, for Upload. Nil means the browser shares this host's
	// filesystem (the local provider); remote providers copy the file.
	UploadFile func(ctx context.Context, localPath string) (remotePath string, err error)
	// OnClose runs once when the session closes (by Close, the idle
	// watchdog or a failed open) after the WebDriver session was deleted,
	// so a provider can stop the driver process or remove the container.
	// Its context carries the close deadline.
	OnClose func(ctx context.Context) error

	// HTTPClient carries WebDriver commands; nil means a dedicated client
	// (webdriver.NewClient's default).
	HTTPClient *http.Client
	// Logger receives lifecycle messages; never page content. Nil discards.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c SessionConfig) WithDefaults() SessionConfig {
	if c.ChromeArgs == nil {
		c.ChromeArgs = DefaultChromeArgs()
	}
	if c.Width == 0 {
		c.Width = DefaultWidth
	}
	if c.Height == 0 {
		c.Height = DefaultHeight
	}
	if c.PageLoadTimeout == 0 {
		c.PageLoadTimeout = DefaultPageLoadTimeout
	}
	if c.ScriptTimeout == 0 {
		c.ScriptTimeout = DefaultScriptTimeout
	}
	if c.ActionTimeout == 0 {
		c.ActionTimeout = DefaultActionTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.PromptBehavior == "" {
		c.PromptBehavior = DefaultPromptBehavior
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c SessionConfig) validate() error {
	if err := (AcquireOptions{Width: c.Width, Height: c.Height}).Validate(); err != nil {
		return err
	}
	if c.PageLoadTimeout < 0 || c.ScriptTimeout < 0 || c.ActionTimeout < 0 {
		return fmt.Errorf("browser: negative timeout in session config")
	}
	if err := c.Identity.Validate(); err != nil {
		return fmt.Errorf("browser: %w", err)
	}
	if c.DisableCDP && (c.Identity.Locale != "" || c.Identity.Timezone != "") {
		return errors.New("browser: a locale or time zone needs DevTools, which DisableCDP turns off")
	}
	switch c.PromptBehavior {
	case "accept", "dismiss", "accept and notify", "dismiss and notify", "ignore":
	default:
		return fmt.Errorf("browser: prompt behavior %q: want accept, dismiss, accept and notify, dismiss and notify or ignore", c.PromptBehavior)
	}
	return nil
}

// capabilities builds the W3C capabilities for a new session.
func (c SessionConfig) capabilities(extraArgs ...string) webdriver.Capabilities {
	args := append(append([]string(nil), c.ChromeArgs...), extraArgs...)
	args = append(args, "--window-size="+strconv.Itoa(c.Width)+","+strconv.Itoa(c.Height))
	if c.Identity.UserAgent != "" {
		args = append(args, "--user-agent="+c.Identity.UserAgent)
	}
	if c.Identity.Locale != "" {
		args = append(args, "--lang="+c.Identity.Locale)
	}
	prefs := maps.Clone(quietPrefs)
	if c.Identity.Locale != "" {
		// The preference is what Chromium sends as Accept-Language and
		// reports as navigator.languages; --lang alone does not set it on
		// Linux.
		prefs["intl.accept_languages"] = acceptLanguage(c.Identity.Locale)
	}
	chrome := map[string]any{"args": args, "prefs": prefs}
	if c.ChromeBinary != "" {
		chrome["binary"] = c.ChromeBinary
	}
	caps := webdriver.Capabilities{
		"browserName":             "chrome",
		"pageLoadStrategy":        "normal",
		"unhandledPromptBehavior": c.PromptBehavior,
		// Timeouts are set once the session exists (see setup): chromedriver
		// applies a pageLoad capability to its own start-up navigation too,
		// so a short page load timeout could fail the session's creation.
		"goog:chromeOptions": chrome,
	}
	if !c.DisableBiDi {
		caps["webSocketUrl"] = true
	}
	for k, v := range c.Capabilities {
		caps[k] = v
	}
	return caps
}
