// Package bench compares Argus's browser layer with a raw Chrome DevTools
// Protocol client (chromedp) on the agent's hot path: click an element,
// then observe the page. It is a separate module so that the product never
// depends on chromedp.
//
// Run it with ./run.sh (or go test -run '^$' -bench . -benchtime 200x).
package bench
