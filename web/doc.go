// Package web is Argus's user interface for QA engineers: server-rendered
// pages from html/template files embedded in the binary and parsed once at
// start, a little plain JavaScript for the live parts (EventSource) and one
// stylesheet that follows the system's light or dark preference. Nothing is
// fetched from elsewhere, so the UI works offline and behind strict proxies.
//
// The UI shares the REST API's login: the argus_session cookie is made and
// checked through the same store functions, so a person signed in on one is
// signed in on the other. Every cookie-authenticated write passes Go's
// http.CrossOriginProtection, and every page is served with a
// Content-Security-Policy that allows only this origin's own scripts and
// styles, so user-supplied text (escaped by html/template) cannot run.
//
// The UI owns every path except /api/, /healthz, /readyz and /metrics, which
// belong to package server: pass ui.Handler() as server.Config.Fallback, or
// mount both on one mux:
//
//	mux.Handle("/api/", apiHandler)
//	mux.Handle("/", ui.Handler())
//
// Live pages stream from GET /runs/{id}/live and /agents/{id}/live
// (text/event-stream, lifting the write deadline), which need a running
// events.Hub.
package web
