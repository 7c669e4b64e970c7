package server

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"
)

// Route is one endpoint. The route table is data: the mux, the OpenAPI
// check and the tenant-isolation tests all read it.
type Route struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Pattern is a net/http ServeMux path pattern, e.g.
	// "/api/v1/agents/{id}".
	Pattern string
	// Access is what the caller must be.
	Access Access
	// Stream marks long-lived responses (Server-Sent Events): they are
	// not compressed and lift the write timeout.
	Stream bool
	// Handler answers the request; behind Member and Admin access it
	// finds the principal with PrincipalFrom.
	Handler http.Handler
}

func (s *Server) builtinRoutes() []Route {
	r := func(method, pattern string, access Access, h http.HandlerFunc) Route {
		return Route{Method: method, Pattern: pattern, Access: access, Handler: h}
	}
	stream := func(pattern string, h http.HandlerFunc) Route {
		return Route{Method: "GET", Pattern: pattern, Access: Member, Stream: true, Handler: h}
	}
	return []Route{
		r("GET", "/healthz", Public, s.healthz),
		r("GET", "/readyz", Public, s.readyz),
		r("GET", "/metrics", Public, s.serveMetrics),
		r("GET", "/api/v1/openapi.json", Public, s.openAPI),

		r("POST", "/api/v1/auth/login", Public, s.login),
		r("POST", "/api/v1/auth/logout", Public, s.logout),
		r("POST", "/api/v1/auth/password-reset", Public, s.requestPasswordReset),
		r("POST", "/api/v1/auth/password-reset/confirm", Public, s.confirmPasswordReset),
		r("GET", "/api/v1/me", Member, s.me),

		r("GET", "/api/v1/projects", Member, s.listProjects),
		r("POST", "/api/v1/projects", Member, s.createProject),
		r("GET", "/api/v1/projects/{id}", Member, s.getProject),
		r("PATCH", "/api/v1/projects/{id}", Member, s.updateProject),
		r("DELETE", "/api/v1/projects/{id}", Admin, s.deleteProject),

		r("GET", "/api/v1/projects/{id}/secrets", Member, s.listSecrets),
		r("PUT", "/api/v1/projects/{id}/secrets/{name}", Admin, s.putSecret),
		r("DELETE", "/api/v1/projects/{id}/secrets/{name}", Admin, s.deleteSecret),

		r("GET", "/api/v1/projects/{id}/github", Admin, s.getGitHub),
		r("PUT", "/api/v1/projects/{id}/github", Admin, s.putGitHub),
		r("DELETE", "/api/v1/projects/{id}/github", Admin, s.deleteGitHub),

		r("GET", "/api/v1/projects/{id}/tests", Member, s.listTests),
		r("POST", "/api/v1/projects/{id}/tests", Member, s.createTest),
		r("POST", "/api/v1/projects/{id}/test-files", Member, s.syncTestFiles),
		r("GET", "/api/v1/tests/{id}", Member, s.getTest),
		r("PUT", "/api/v1/tests/{id}", Member, s.updateTest),
		r("DELETE", "/api/v1/tests/{id}", Member, s.deleteTest),

		r("POST", "/api/v1/projects/{id}/runs", Member, s.createRun),
		r("GET", "/api/v1/projects/{id}/runs", Member, s.listRuns),
		r("GET", "/api/v1/runs/{id}", Member, s.getRun),
		r("POST", "/api/v1/runs/{id}/cancel", Member, s.cancelRun),
		stream("/api/v1/runs/{id}/events", s.runEvents),

		r("GET", "/api/v1/agents/{id}", Member, s.getAgent),
		r("GET", "/api/v1/agents/{id}/steps", Member, s.listSteps),
		r("GET", "/api/v1/agents/{id}/steps/{index}/screenshot", Member, s.getScreenshot),
		r("POST", "/api/v1/agents/{id}/cancel", Member, s.cancelAgent),
		stream("/api/v1/agents/{id}/events", s.agentEvents),

		r("GET", "/api/v1/api-keys", Admin, s.listAPIKeys),
		r("POST", "/api/v1/api-keys", Admin, s.createAPIKey),
		r("DELETE", "/api/v1/api-keys/{id}", Admin, s.revokeAPIKey),

		r("GET", "/api/v1/members", Admin, s.listMembers),
		r("POST", "/api/v1/members", Admin, s.addMember),
		r("PATCH", "/api/v1/members/{user_id}", Admin, s.updateMember),
		r("DELETE", "/api/v1/members/{user_id}", Admin, s.removeMember),

		r("GET", "/api/v1/tenant/export", Admin, s.exportTenant),
		r("DELETE", "/api/v1/tenant", Admin, s.deleteTenant),
	}
}

// pathID parses a path parameter as an id; anything else is a 404, as an
// unknown id would be.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, problem(http.StatusNotFound, "no such object: "+name+" is not an id")
	}
	return id, nil
}

func pathIndex(r *http.Request, name string) (int, error) {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil || n < 0 {
		return 0, problem(http.StatusNotFound, "no such object: "+name+" is not a step index")
	}
	return n, nil
}
