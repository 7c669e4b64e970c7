// Package browsertest holds the conformance suite every browser provider
// must pass, and the pages it runs against. A provider's test calls Run
// with a constructor; the suite acquires sessions from it and checks the
// whole Session contract in real Chromium: observation (forms, an SPA,
// iframes and shadow roots), trusted input, stale indices, console and
// network capture, the page-load timeout, uploads, dialogs, screenshots
// and closing.
//
// FakeSession is the other half: a Session over pages held in memory, for
// tests about what drives a browser (the agent loop, budgets, verdicts)
// that should not need Chromium.
package browsertest
