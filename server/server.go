package server

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/server/metrics"
	"github.com/argusqa/argus/server/ratelimit"
)

// Server serves the API. Make one with New; it is safe for concurrent use.
type Server struct {
	cfg     Config
	app     *app.App
	log     *slog.Logger
	metrics *metrics.Metrics
	limiter *ratelimit.Limiter

	mux     *http.ServeMux
	handler http.Handler
	gzip    func(http.Handler) http.HandlerFunc

	mu     sync.Mutex
	routes []Route
	// pathMuxes match a route's path regardless of method, to tell 405
	// from 404; one per route, index-aligned with routes.
	pathMuxes []*http.ServeMux

	// llm.txt, built once on its first request (see llmText).
	llmOnce sync.Once
	llmDoc  []byte
	llmErr  error

	// streamsDone is closed when the server shuts down, ending every
	// event stream so Shutdown need not wait for them.
	streamsDone  chan struct{}
	closeStreams func()
}

// New checks cfg and builds a Server with every route of Routes.
func New(cfg Config) (*Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// Event streams are excluded by route (Stream) and, for handlers
	// mounted as Fallback, by their content type.
	gz, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.EnableZstd(false),
		gzhttp.ContentTypeFilter(func(ct string) bool {
			return !strings.HasPrefix(ct, "text/event-stream") && gzhttp.DefaultContentTypeFilter(ct)
		}))
	if err != nil {
		return nil, fmt.Errorf("server: gzip: %w", err)
	}
	s := &Server{
		cfg:         cfg,
		app:         cfg.App,
		log:         cfg.Logger,
		metrics:     cfg.Metrics,
		limiter:     ratelimit.New(cfg.RateLimit),
		mux:         http.NewServeMux(),
		gzip:        gz,
		streamsDone: make(chan struct{}),
	}
	if s.metrics == nil {
		s.metrics = metrics.New()
		s.metrics.RegisterDatabase(cfg.App.Store().Pool(), cfg.Logger)
	}
	s.closeStreams = sync.OnceFunc(func() {
		close(s.streamsDone)
		// The UI's live pages follow through the same App.
		s.app.CloseStreams()
	})
	for _, rt := range s.builtinRoutes() {
		if err := s.Handle(rt); err != nil {
			return nil, err
		}
	}
	// Unknown paths under /api/ answer in problem+json like the rest.
	s.mux.Handle("/api/", http.HandlerFunc(s.apiNotFound))
	if cfg.Fallback != nil {
		s.mux.Handle("/", s.compress(cfg.Fallback))
	}
	s.handler = s.recoverPanics(securityHeaders(s.limit(http.HandlerFunc(s.serveMux))))
	return s, nil
}

// Handler is the server's whole HTTP handler: security headers, panic
// recovery, rate limits, metrics, routing.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the collectors the server serves on /metrics, for an
// embedded worker to update.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// Routes returns the route table: every endpoint registered so far, built
// in and added with Handle.
func (s *Server) Routes() []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Route(nil), s.routes...)
}

// Handle registers rt behind the same middleware as the built-in routes:
// authentication and role check by rt.Access, cross-origin protection for
// cookie-authenticated writes, gzip unless rt.Stream. The web UI adds its
// pages this way.
func (s *Server) Handle(rt Route) error {
	if rt.Handler == nil || rt.Method == "" || !strings.HasPrefix(rt.Pattern, "/") {
		return fmt.Errorf("server: route %s %s needs a method, a /pattern and a handler", rt.Method, rt.Pattern)
	}
	h := rt.Handler
	if rt.Access != Public {
		h = s.requireAuth(rt.Access, h)
	} else {
		h = s.crossOrigin(h)
	}
	if !rt.Stream {
		h = s.compress(h)
	}
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("server: route %s %s: %v", rt.Method, rt.Pattern, p)
			}
		}()
		s.mux.Handle(rt.Method+" "+rt.Pattern, h)
	}()
	if err != nil {
		return err
	}
	pm := http.NewServeMux()
	pm.Handle(rt.Pattern, http.NotFoundHandler())
	s.mu.Lock()
	s.routes = append(s.routes, rt)
	s.pathMuxes = append(s.pathMuxes, pm)
	s.mu.Unlock()
	return nil
}

// apiNotFound answers requests under /api/ that no route takes: 405 with
// Allow when the path exists for other methods, else 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	s.mu.Lock()
	for i, rt := range s.routes {
		if _, p := s.pathMuxes[i].Handler(r); p == rt.Pattern {
			allow = append(allow, rt.Method)
		}
	}
	s.mu.Unlock()
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		WriteProblem(w, problem(http.StatusMethodNotAllowed, "this endpoint does not answer "+r.Method+"; the Allow header lists what it does"))
		return
	}
	WriteProblem(w, problem(http.StatusNotFound, "no such endpoint; see /api/v1/openapi.json"))
}

// compress gzips h's responses at BestSpeed for clients that accept it,
// except WebSocket upgrades, event streams and already-compressed types.
func (s *Server) compress(h http.Handler) http.Handler {
	gz := s.gzip(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// WebSocket upgrades must reach the handler untouched.
		if r.Header.Get("Upgrade") != "" {
			h.ServeHTTP(w, r)
			return
		}
		gz.ServeHTTP(w, r)
	})
}

// serveMux routes a request, counting it by route pattern, and turns the
// mux's own plain-text 404 and 405 answers into problems.
func (s *Server) serveMux(w http.ResponseWriter, r *http.Request) {
	if hasNUL(r) {
		WriteProblem(w, invalid("the URL holds a NUL character, which no parameter accepts"))
		return
	}
	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		s.mux.ServeHTTP(&problemStatusWriter{ResponseWriter: w}, r)
		return
	}
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	s.mux.ServeHTTP(sw, r)
	code := fmt.Sprint(sw.code)
	s.metrics.HTTPRequests.WithLabelValues(pattern, r.Method, code).Inc()
	if !strings.HasSuffix(pattern, "/events") {
		s.metrics.HTTPDuration.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
	}
}

// Serve answers requests on ln until ctx ends, then shuts down
// gracefully: event streams are ended, requests in flight get up to
// ShutdownTimeout (30 s) to finish, then connections are closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	s.closeStreams()
	err := hs.Shutdown(sctx)
	if err != nil {
		_ = hs.Close()
		err = fmt.Errorf("server: shutdown after %v: %w", s.cfg.ShutdownTimeout, err)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// HTTPServer returns an http.Server for Handler with the spec's timeouts:
// 5 minutes to read and to write a request (event streams lift theirs).
func (s *Server) HTTPServer() *http.Server {
	hs := &http.Server{
		Handler:           s.handler,
		ReadTimeout:       s.cfg.ReadTimeout,
		ReadHeaderTimeout: min(s.cfg.ReadTimeout, 30*time.Second),
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	hs.RegisterOnShutdown(s.closeStreams)
	return hs
}

// statusWriter remembers the status code for metrics.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush keeps event streams working through this wrapper (gzhttp and
// http.ResponseController look for it).
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// problemStatusWriter replaces the mux's plain-text 404/405 with problems.
type problemStatusWriter struct {
	http.ResponseWriter
	replaced bool
}

func (w *problemStatusWriter) WriteHeader(code int) {
	if code == http.StatusNotFound || code == http.StatusMethodNotAllowed {
		w.replaced = true
		detail := "no such endpoint; see /api/v1/openapi.json"
		if code == http.StatusMethodNotAllowed {
			detail = "this endpoint does not answer that method; the Allow header lists those it does"
		}
		WriteProblem(w.ResponseWriter, problem(code, detail))
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *problemStatusWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// hasNUL reports whether the request's path or query holds a NUL, which
// PostgreSQL text cannot store.
func hasNUL(r *http.Request) bool {
	if strings.IndexByte(r.URL.Path, 0) >= 0 {
		return true
	}
	raw := r.URL.RawQuery
	if !strings.Contains(raw, "%00") {
		return false
	}
	for _, vs := range r.URL.Query() {
		for _, v := range vs {
			if strings.IndexByte(v, 0) >= 0 {
				return true
			}
		}
	}
	return false
}
