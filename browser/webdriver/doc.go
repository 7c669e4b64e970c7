// Package webdriver is a small, context-aware client for the W3C WebDriver
// protocol (classic HTTP commands) and the parts of WebDriver BiDi that Argus
// needs (console and network events over a WebSocket).
//
// Every call takes a [context.Context] and gives up when it is cancelled or
// its deadline passes, so a hung browser can never stall an agent. Errors
// returned by the remote end become [*Error] values carrying the W3C error
// code; compare them with [errors.Is] against the sentinels such as
// [ErrNoSuchElement] or [ErrTimeout].
//
// The client speaks to any W3C remote end: chromedriver, a Selenium Grid 4
// hub, or a chromedriver inside a container. Chromium-specific extensions
// (the CDP pass-through in [Session.ExecuteCDP]) report [ErrUnknownCommand]
// where the remote end does not offer them.
package webdriver
