// Package app is the demo web application that ships with Argus: a small
// office-supplies shop with sign-up and login, a profile form with
// validation, a searchable product list, and one deliberately broken page
// (notification settings, whose Save button fails with a JavaScript error
// and a 500 response). The demo suite in demo/suite tests it; the broken
// page's test fails on purpose so the demo shows a real caught bug.
//
// Everything is kept in memory and the app listens on loopback only (see
// Start). The seeded account is DemoEmail / DemoPassword.
package app

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// App is the demo application, an http.Handler.
type App struct {
	cfg      Config
	log      *slog.Logger
	store    *store
	confirms confirmations
	pages    pages
	handler  http.Handler
}

// New returns the demo app with a fresh in-memory store holding the
// seeded demo account.
func New(cfg Config) (*App, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("demo app config: %w", err)
	}
	st, err := newStore(cfg.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("demo app store: %w", err)
	}
	a := &App{cfg: cfg, log: cfg.Logger, store: st}
	if a.pages, err = parsePages(a.readFile); err != nil {
		return nil, fmt.Errorf("demo app templates: %w", err)
	}
	a.handler = a.routes()
	return a, nil
}

// readFile reads an embedded template or static file, with the running
// mutant's rewrites applied.
func (a *App) readFile(file string) ([]byte, error) {
	var data []byte
	var err error
	if strings.HasPrefix(file, "templates/") {
		data, err = templateFS.ReadFile(file)
	} else {
		data, err = staticFS.ReadFile(file)
	}
	if err != nil {
		return nil, err
	}
	return a.rewriteFile(file, data)
}

// mutatedStatic serves the static files a mutant rewrites from memory.
func (a *App) mutatedStatic(next http.Handler) http.Handler {
	m, ok := LookupMutant(a.cfg.Mutant)
	if !ok {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := "static/" + strings.TrimPrefix(r.URL.Path, "/static/")
		for _, rw := range m.rewrites {
			if rw.file == file {
				data, err := a.readFile(file)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				http.ServeContent(w, r, file, time.Time{}, bytes.NewReader(data))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", a.mutatedStatic(http.StripPrefix("/static/", http.FileServerFS(static))))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "favicon.svg")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})

	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /signup", a.signupPage)
	mux.HandleFunc("POST /signup", a.signup)
	mux.HandleFunc("GET /confirm", a.confirm)
	mux.HandleFunc("GET /login", a.loginPage)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("GET /login/code", a.codePage)
	mux.HandleFunc("POST /login/code", a.checkCode)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /products", a.products)
	mux.HandleFunc("GET /api/products", a.apiProducts)

	mux.Handle("GET /dashboard", a.requireLogin(a.dashboard))
	mux.Handle("GET /profile", a.requireLogin(a.profilePage))
	mux.Handle("POST /profile", a.requireLogin(a.saveProfile))
	mux.Handle("GET /settings", a.requireLogin(a.settingsPage))
	mux.Handle("GET /orders", a.requireLogin(a.ordersPage))
	mux.Handle("POST /orders", a.requireLogin(a.placeOrder))
	mux.Handle("GET /orders/{number}", a.requireLogin(a.orderPage))
	mux.Handle("POST /orders/{number}/ship", a.requireLogin(a.shipOrder))
	mux.Handle("POST /api/settings", a.requireLogin(a.apiSaveSettings))

	mux.HandleFunc("GET /", a.notFound)

	// Go's cross-origin protection rejects cross-site form posts, which is
	// what a CSRF token would do, with no token to thread through forms.
	return securityHeaders(http.NewCrossOriginProtection().Handler(mux))
}

// securityHeaders sets the headers a careful app sends. The CSP allows no
// inline script, so all JavaScript lives in static files.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// maxBody bounds request bodies: the forms here are a few hundred bytes.
const maxBody = 64 << 10

func (a *App) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form could not be read.", http.StatusBadRequest)
		return false
	}
	return true
}

// sessionCookie is the login cookie's name.
const sessionCookie = "demo_session"

// currentUser returns the logged-in user, if any.
func (a *App) currentUser(r *http.Request) (user, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return user{}, false
	}
	id, ok := a.store.sessionUser(c.Value)
	if !ok {
		return user{}, false
	}
	return a.store.snapshot(id)
}

type userHandler func(w http.ResponseWriter, r *http.Request, u user)

// requireLogin sends visitors who are not logged in to the login page and
// back here afterwards; API calls get a 401 instead.
func (a *App) requireLogin(h userHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := a.currentUser(r)
		if ok && !a.sessionSpent(r) {
			h(w, r, u)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "log in first"})
			return
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}

func (a *App) startSession(w http.ResponseWriter, u *user) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    a.store.newSession(u.ID, a.cfg.SessionTTL),
		Path:     "/",
		MaxAge:   int(a.cfg.SessionTTL / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
}
