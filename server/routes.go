package server

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/argusqa/argus/app"
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

// apiHandler answers one request; an error it returns becomes the
// problem+json answer (see fail).
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// answer turns an apiHandler into a handler.
func (s *Server) answer(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) builtinRoutes() []Route {
	r := func(method, pattern string, access Access, h apiHandler) Route {
		return Route{Method: method, Pattern: pattern, Access: access, Handler: s.answer(h)}
	}
	stream := func(pattern string, h apiHandler) Route {
		return Route{Method: "GET", Pattern: pattern, Access: Member, Stream: true, Handler: s.answer(h)}
	}
	return []Route{
		r("GET", "/healthz", Public, s.healthz),
		r("GET", "/readyz", Public, s.readyz),
		r("GET", "/metrics", Public, s.serveMetrics),
		r("GET", "/api/v1/openapi.json", Public, s.openAPI),
		r("GET", "/llm.txt", Public, s.llmText),

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
		r("GET", "/api/v1/projects/{id}/plans", Member, s.listPlans),
		r("GET", "/api/v1/projects/{id}/roles", Member, s.listRoles),
		r("PUT", "/api/v1/projects/{id}/roles/{name}", Admin, s.putRole),
		r("DELETE", "/api/v1/projects/{id}/roles/{name}", Admin, s.deleteRole),
		r("POST", "/api/v1/plans/{id}/runs", Member, s.createPlanRun),
		r("GET", "/api/v1/runs/{id}/plan", Member, s.getPlanRun),
		r("GET", "/api/v1/projects/{id}/personas", Member, s.listPersonas),
		r("GET", "/api/v1/projects/{id}/personas/{name}", Member, s.getPersona),
		r("PUT", "/api/v1/projects/{id}/personas/{name}", Admin, s.putPersona),
		r("DELETE", "/api/v1/projects/{id}/personas/{name}", Admin, s.deletePersona),

		r("POST", "/api/v1/projects/{id}/webhook/rotate-secret", Admin, s.rotateWebhookSecret),
		r("GET", "/api/v1/projects/{id}/deliveries", Admin, s.listDeliveries),
		r("POST", "/api/v1/deliveries/{id}/redeliver", Admin, s.redeliver),

		r("GET", "/api/v1/projects/{id}/github", Admin, s.getGitHub),
		r("PUT", "/api/v1/projects/{id}/github", Admin, s.putGitHub),
		r("DELETE", "/api/v1/projects/{id}/github", Admin, s.deleteGitHub),
		r("GET", "/api/v1/projects/{id}/m365", Member, s.getM365),
		r("PUT", "/api/v1/projects/{id}/m365", Admin, s.putM365),
		r("DELETE", "/api/v1/projects/{id}/m365", Admin, s.deleteM365),
		r("POST", "/api/v1/projects/{id}/m365/sign-in", Admin, s.m365SignIn),

		r("GET", "/api/v1/projects/{id}/tests", Member, s.listTests),
		r("POST", "/api/v1/projects/{id}/tests", Member, s.createTest),
		r("GET", "/api/v1/projects/{id}/health", Member, s.projectHealth),
		r("GET", "/api/v1/projects/{id}/schedules", Member, s.listSchedules),
		r("POST", "/api/v1/projects/{id}/schedules", Member, s.createSchedule),
		r("GET", "/api/v1/schedules/{id}", Member, s.getSchedule),
		r("PUT", "/api/v1/schedules/{id}", Member, s.updateSchedule),
		r("DELETE", "/api/v1/schedules/{id}", Member, s.deleteSchedule),
		r("GET", "/api/v1/schedules/{id}/firings", Member, s.listFirings),
		r("GET", "/api/v1/projects/{id}/mail", Member, s.projectMail),
		r("GET", "/api/v1/projects/{id}/mail/{message}", Member, s.projectMailMessage),
		r("POST", "/api/v1/projects/{id}/test-files", Member, s.syncTestFiles),
		r("POST", "/api/v1/projects/{id}/discoveries", Member, s.startDiscovery),
		r("GET", "/api/v1/projects/{id}/discoveries", Member, s.listDiscoveries),
		r("GET", "/api/v1/discoveries/{id}", Member, s.getDiscovery),
		r("POST", "/api/v1/discoveries/{id}/accept", Member, s.acceptDiscovery),
		r("POST", "/api/v1/discoveries/{id}/cancel", Member, s.cancelDiscovery),
		r("GET", "/api/v1/tests/{id}", Member, s.getTest),
		r("PUT", "/api/v1/tests/{id}", Member, s.updateTest),
		r("DELETE", "/api/v1/tests/{id}", Member, s.deleteTest),

		r("POST", "/api/v1/projects/{id}/runs", Member, s.createRun),
		r("POST", "/api/v1/projects/{id}/select", Member, s.selectTests),
		r("GET", "/api/v1/projects/{id}/runs", Member, s.listRuns),
		r("GET", "/api/v1/runs/{id}", Member, s.getRun),
		r("POST", "/api/v1/runs/{id}/cancel", Member, s.cancelRun),
		stream("/api/v1/runs/{id}/events", s.runEvents),

		r("GET", "/api/v1/agents/{id}", Member, s.getAgent),
		r("GET", "/api/v1/agents/{id}/steps", Member, s.listSteps),
		r("GET", "/api/v1/agents/{id}/steps/{index}/screenshot", Member, s.getScreenshot),
		r("GET", "/api/v1/agents/{id}/video", Member, s.getVideo),
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

// pathID is the request's {id}. A malformed one is uuid.Nil, which no
// object has, so it is answered 404 like an id of another tenant.
func pathID(r *http.Request) uuid.UUID { return pathUUID(r, "id") }

// pathUUID is the request's {name} path parameter as an id (uuid.Nil when
// malformed).
func pathUUID(r *http.Request, name string) uuid.UUID {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil
	}
	return id
}

// pageRequest reads ?cursor= and ?limit=.
func pageRequest(r *http.Request) app.PageRequest {
	q := r.URL.Query()
	return app.PageRequest{Cursor: q.Get("cursor"), Limit: q.Get("limit")}
}

// noContent answers 204 when err is nil.
func noContent(w http.ResponseWriter, err error) error {
	if err == nil {
		w.WriteHeader(http.StatusNoContent)
	}
	return err
}
