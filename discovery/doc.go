// Package discovery maps a web application and suggests tests for it.
//
// Discovery runs in phases over real browsers from a browser.Provider:
//
//   - map: a same-origin crawl through real browser navigation. Every page
//     is loaded in the browser (so client-rendered links count), links are
//     read from the document (hidden menu entries included), menu toggles
//     are opened to reveal links rendered on demand, and script-driven links
//     (role=link without href) are clicked to find client-side routes. At
//     most Config.Parallel browsers (3) share one frontier and one page
//     budget. Every URL is checked against the target policy and the
//     allowed origins before the browser goes there, and the page the
//     browser ends on is checked again (redirects).
//   - forms: every form on the mapped pages with its fields, types,
//     required flags and declared constraints. A form that does not look
//     destructive (delete, pay, send, log out…) and does not write data
//     (a GET form, or a sign-in / sign-up form) is submitted empty once to
//     see the validation it answers with. Destructive forms are never
//     submitted unless Config.AllowDestructive says so.
//
// When a Persona is given, the crawl runs twice: anonymously, then signed in
// as the persona; pages only the persona reaches are opened anonymously to
// find the auth walls in front of them.
//
// The result is a Map (JSON: pages, links, forms, auth walls) and suggested
// tests, each checked with the suite package's rules, as YAML.
package discovery
