// Package local is the browser provider that runs chromedriver and headless
// Chromium on this host, one chromedriver per session. It is what the
// developer setup, the demo, the CLI and most tests use.
//
// Each session gets its own chromedriver on a free loopback port, its own
// temporary directory (profile, HOME and TMPDIR, so nothing the browser
// writes lands elsewhere), and its own process group. Closing the session
// deletes the WebDriver session, ends the whole process group and removes
// the directory.
//
// A process that dies without closing its sessions (SIGKILL, a crash)
// cannot clean up, so every session directory holds an owner file naming
// its process by PID and start time. Chromedriver dies with its owner
// (Pdeathsig, forked from a dedicated thread; see spawn.go), but Chromium
// and its helpers survive it. Every provider reaps them: New, then every
// Config.ReapInterval (1 min), and ReapOrphans on demand, look for session
// directories in Config.TempDir whose owner is dead, SIGKILL the
// chromedriver and Chromium processes that point into them together with
// their process groups and descendants, and remove the directories.
// Sessions of live processes, on the same host and TempDir, are left alone.
package local
