// Package server is Argus's HTTP side: the REST API under /api/v1 used by
// CI pipelines, the CLI's remote mode and the web UI; authentication by
// cookie sessions (people) and bearer API keys (machines); Server-Sent
// Events for live progress; the OpenAPI document; health and metrics.
//
// Routes are data: [Routes] lists every endpoint with its method, pattern
// and required access, and the same table drives the mux, the OpenAPI
// check and the tenant-isolation tests, so a new route is covered by all
// three the moment it is added.
//
// Every handler reads and writes through the tenant-scoped store with the
// tenant of the authenticated principal; an id that belongs to another
// tenant is answered like one that does not exist (404). Errors are
// RFC 9457 problem documents (application/problem+json).
package server
