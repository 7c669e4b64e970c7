// Package local is the browser provider that runs chromedriver and headless
// Chromium on this host, one chromedriver per session. It is what the
// developer setup, the demo, the CLI and most tests use.
//
// Each session gets its own chromedriver on a free loopback port, its own
// temporary directory (profile, HOME and TMPDIR, so nothing the browser
// writes lands elsewhere), and its own process group. Closing the session
// deletes the WebDriver session, ends the whole process group and removes
// the directory.
package local
