package browsertest

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed pages/*.html
var pageFiles embed.FS

// ServerOptions place the page server.
type ServerOptions struct {
	// Listen is the address to listen on; empty means "127.0.0.1:0".
	Listen string
	// Host is the host[:port] the browser uses to reach the server, when
	// it differs from the listen address (e.g. a browser in a container on
	// a bridge network). Empty means the listen address.
	Host string
}

// Server serves the conformance pages on loopback and records what the
// browser sent back (form posts, uploads), so tests can check the effect
// of actions on the server side too.
type Server struct {
	base       string
	srv        *httptest.Server
	tmpl       *template.Template
	closedPort int
	release    chan struct{} // closed when the server shuts down; frees /slow
	slowHit    chan struct{} // receives when /slow is requested

	mu      sync.Mutex
	forms   []url.Values
	uploads []Upload
}

// Upload is one file the browser uploaded.
type Upload struct {
	Field    string
	Filename string
	Size     int
	SHA256   string
}

// NewServer starts the page server on 127.0.0.1 and stops it when the
// test ends.
func NewServer(tb testing.TB) *Server { return NewServerWithOptions(tb, ServerOptions{}) }

// NewServerWithOptions starts the page server as opts say.
func NewServerWithOptions(tb testing.TB, opts ServerOptions) *Server {
	tb.Helper()
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		tb.Fatalf("page server: listen on %s: %v", opts.Listen, err)
	}
	tmpl, err := template.ParseFS(pageFiles, "pages/*.html")
	if err != nil {
		tb.Fatalf("page server: parse pages: %v", err)
	}
	s := &Server{tmpl: tmpl, closedPort: closedPort(tb), release: make(chan struct{}), slowHit: make(chan struct{}, 16)}
	s.srv = httptest.NewUnstartedServer(s.routes())
	_ = s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	host := opts.Host
	if host == "" {
		host = ln.Addr().String()
	} else if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	s.base = "http://" + host
	tb.Cleanup(func() {
		close(s.release)
		s.srv.Close()
	})
	return s
}

// closedPort returns a loopback port nobody listens on, for a request
// that must fail with "connection refused".
func closedPort(tb testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("page server: %v", err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return p
}

// URL returns the absolute URL of a page path such as "/form".
func (s *Server) URL(path string) string { return s.base + path }

// Origin returns the server's origin as the browser sees it.
func (s *Server) Origin() string { return s.base }

// Forms returns the form posts received so far.
func (s *Server) Forms() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.forms...)
}

// Uploads returns the files received so far.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// SlowRequested receives once per request of /slow, which never answers
// before the server shuts down.
func (s *Server) SlowRequested() <-chan struct{} { return s.slowHit }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { s.render(w, name, nil) }
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, `<!doctype html><title>Home</title><h1>Home</h1><p>Welcome home.</p><a href="/form">Sign up</a>`)
	})
	mux.HandleFunc("GET /pricing", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, `<!doctype html><title>Pricing</title><h1>Pricing</h1><p>Free and Pro.</p>`)
	})
	mux.HandleFunc("GET /form", page("form.html"))
	mux.HandleFunc("POST /form/submit", s.formSubmit)
	mux.HandleFunc("GET /spa", page("spa.html"))
	mux.HandleFunc("GET /spa/", page("spa.html"))
	mux.HandleFunc("GET /api/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode([]string{"alpha", "beta", "gamma"})
	})
	mux.HandleFunc("GET /frames", page("frames.html"))
	mux.HandleFunc("GET /frames/inner", page("inner.html"))
	mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, "console.html", map[string]int{"ClosedPort": s.closedPort})
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slowHit <- struct{}{}:
		default:
		}
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("GET /upload", page("upload.html"))
	mux.HandleFunc("POST /upload/submit", s.uploadSubmit)
	mux.HandleFunc("GET /dialog", page("dialog.html"))
	mux.HandleFunc("GET /buttons", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if n <= 0 || n > 5000 {
			n = 300
		}
		writeHTML(w, ButtonsPage(n))
	})
	mux.HandleFunc("GET /sample/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if !validSample(name) {
			http.NotFound(w, r)
			return
		}
		s.render(w, "sample-"+name+".html", nil)
	})
	return mux
}

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func writeHTML(w http.ResponseWriter, html string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, html)
}

// formSubmit records a form post and answers with a welcome page. A delay
// query parameter (milliseconds, at most 2000) holds the answer back, to
// test that observing right after a submit waits for the new page.
func (s *Server) formSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if d, _ := strconv.Atoi(r.URL.Query().Get("delay")); d > 0 {
		timer := time.NewTimer(time.Duration(min(d, 2000)) * time.Millisecond)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		case <-s.release:
			return
		}
	}
	s.mu.Lock()
	s.forms = append(s.forms, r.PostForm)
	s.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><title>Welcome</title><h1>Welcome, %s</h1><ul>`, template.HTMLEscapeString(r.PostForm.Get("name")))
	for _, k := range []string{"email", "country", "plan", "terms", "bio", "age"} {
		fmt.Fprintf(&b, "<li>%s: %s</li>", k, template.HTMLEscapeString(r.PostForm.Get(k)))
	}
	fmt.Fprintf(&b, "<li>password length: %d</li></ul>", len(r.PostForm.Get("password")))
	writeHTML(w, b.String())
}

func (s *Server) uploadSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var got []Upload
	for field, files := range r.MultipartForm.File {
		for _, fh := range files {
			f, err := fh.Open()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			h := sha256.New()
			n, err := io.Copy(h, f)
			_ = f.Close()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if fh.Filename == "" {
				continue
			}
			got = append(got, Upload{Field: field, Filename: fh.Filename, Size: int(n), SHA256: hex.EncodeToString(h.Sum(nil))})
		}
	}
	s.mu.Lock()
	s.uploads = append(s.uploads, got...)
	s.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<!doctype html><title>Uploaded</title><h1>Uploaded</h1><ul>`)
	for _, u := range got {
		fmt.Fprintf(&b, "<li>%s: %s (%d bytes)</li>", u.Field, template.HTMLEscapeString(u.Filename), u.Size)
	}
	b.WriteString("</ul>")
	writeHTML(w, b.String())
}

// ButtonsPage returns a page with n buttons in a grid and a click counter,
// the benchmark page of the click + observe loop.
func ButtonsPage(n int) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Buttons</title>
<style>.grid{display:grid;grid-template-columns:repeat(10,1fr);gap:4px}.cell{padding:2px}</style></head>
<body><h1>Buttons</h1><p>Clicked <span id="count">0</span> times, last <span id="last">none</span>.</p><div class="grid">`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `<div class="cell"><button type="button" data-i="%d">Button %d</button></div>`, i, i)
	}
	b.WriteString(`</div><script>
document.querySelector('.grid').addEventListener('click', function (e) {
  var t = e.target.closest('button');
  if (!t || !e.isTrusted) return;
  var c = document.getElementById('count');
  c.textContent = String(+c.textContent + 1);
  document.getElementById('last').textContent = t.textContent;
});
</script></body></html>`)
	return b.String()
}

// SamplePages names the realistic pages served at /sample/{name}: a shop
// listing, a news article, an admin dashboard, a database tool's login
// (Adminer's markup: a <table> of <th> labels and unlabelled inputs, a
// 43-language select), a long quote-request form whose fields are labelled
// only by the text beside them, and an invoice table with row checkboxes
// and per-row inputs. The observation-size test, the naming test and the
// benchmarks use them.
func SamplePages() []string {
	return []string{"shop", "article", "dashboard", "adminer", "longform", "table"}
}

func validSample(name string) bool {
	for _, n := range SamplePages() {
		if n == name {
			return true
		}
	}
	return false
}
