// Package browser is Argus's browser layer: the Session an agent drives,
// the Provider interface that hands sessions out, and the compact page
// model (Observation) the language model reads.
//
// A Session is one isolated browser for one agent. Providers differ only in
// where the browser runs: browser/local starts chromedriver and Chromium on
// this host, browser/docker starts an ephemeral container, browser/grid
// talks to any remote W3C WebDriver endpoint such as a Selenium Grid 4 hub.
// All of them return sessions built by OpenWebDriver, so behaviour is the
// same everywhere.
//
// # The hot path
//
// The agent loop is observe → decide → act. Observe runs one script in the
// page and returns the interactive elements with stable indices; Click and
// Type address an element by that index, check it (same element as
// observed, rendered, enabled, in view, not covered) and dispatch trusted
// input at its centre. Sessions reach the page by the fastest way the
// endpoint allows, decided when the session opens:
//
//   - a direct DevTools connection to the browser, when the driver runs on
//     this machine (the local provider): as fast as a raw CDP client;
//   - chromedriver's CDP pass-through (POST /session/{id}/goog/cdp/execute),
//     e.g. for a browser in a container: about 4 ms more per command;
//   - classic W3C commands (Execute Script, Element Click, Actions) where
//     neither exists, e.g. a non-Chromium remote end.
//
// All three produce the same observations; WebDriver stays in charge of the
// session, navigation, screenshots and page-load waiting.
//
// # What the model reads
//
// Observation.Render is one line per interactive element, then the page's
// text. Real pages often leave fields unlabelled (a <table> of <th> labels
// and bare inputs, text in front of a field, a name attribute only), so a
// field without aria-labelledby, aria-label or a <label> is named the way
// a person would name it: its table cell's row and column headers, the
// label-like text beside it (after a checkbox, before anything else), then
// its title, placeholder, or name/id attribute ("auth[username]" →
// "username"). Steps find a field by any of these names. The text leaves
// out what the element lines already carry: the option lists of closed
// selects, and lines that are exactly an element's name (a menu, a row of
// buttons). On the sample pages of browsertest this is under a fifth of
// the raw HTML's tokens with every interactive element kept
// (BenchmarkObserveTokenRatio, TestObservationSize).
//
// # Untrusted content stays in memory
//
// Pages are untrusted and may hold personal data. Page HTML, page text,
// console messages and network events are kept in memory only: nothing in
// this package writes them to disk or logs them. The caps are part of the
// product's promises: MaxTextChars, MaxHTMLChars, MaxConsoleEntries and
// MaxNetworkEvents.
package browser
