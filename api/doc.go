// Package api holds the JSON shapes of Argus's REST API (/api/v1): the
// bodies the server answers with and accepts, and the problem document of
// every error. The server (package server) writes them and the Go client
// (package client) reads them, so the two cannot drift apart.
//
// Conventions: times are RFC 3339 in UTC; optional values are null rather
// than absent, so clients see every field; lists come as {"items": […]},
// long lists as pages with "next_cursor" (null on the last page).
package api
