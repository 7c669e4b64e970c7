package server

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
)

// securityHeaders sets the headers the trust-center spec lists on every
// response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-XSS-Protection", "1; mode=block")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a handler's panic into a logged 500 problem, so one
// bad request cannot take the process down or leak a stack trace.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				WriteProblem(w, problem(http.StatusInternalServerError, "the server could not handle this request; it has been logged"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses cross-origin unsafe requests that carry no bearer
// key: a browser attaches cookies to those on its own, a key it does not.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			if err := s.app.CrossOriginProtection().Check(r); err != nil {
				WriteProblem(w, errCrossOrigin)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// unlimited are the routes a limit must never refuse: probes and the
// metrics scraper.
var unlimited = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limit admits a request under the per-client rate and concurrency limits
// or answers 429 with Retry-After. It runs once, before routing, so every
// route (API, UI, /mcp) is counted the same way.
func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = s.limiter.WithClientIP(r)
		if unlimited[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		done, refused := s.limiter.Admit(r)
		if refused != nil {
			w.Header().Set("Retry-After", strconv.Itoa(int(refused.RetryAfter/time.Second)))
			detail := "too many requests from this client; wait for Retry-After seconds"
			if refused.Concurrent {
				detail = "too many requests of this client are in flight at once; wait for one to finish"
			}
			WriteProblem(w, problem(http.StatusTooManyRequests, detail))
			return
		}
		defer done()
		next.ServeHTTP(w, r)
	})
}
