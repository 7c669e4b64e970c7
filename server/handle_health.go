package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthz answers while the process serves HTTP: a liveness probe.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 200 when the database does, so a load balancer sends
// traffic only to instances that can serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.app.Store().Pool().Ping(ctx); err != nil {
		s.log.Warn("readiness: database unreachable", "error", err)
		return problem(http.StatusServiceUnavailable, "the database does not answer")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// serveMetrics is the Prometheus scrape endpoint.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{ErrorLog: nil}).ServeHTTP(w, r)
	return nil
}
