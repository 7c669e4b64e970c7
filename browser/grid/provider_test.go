package grid_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/grid"
)

// hub stands in front of a real chromedriver the way a Selenium Grid 4
// router does: it forwards WebDriver and BiDi traffic and implements
// Grid's file upload endpoint (POST /session/{id}/se/file). With noCDP it
// also answers chromedriver's CDP pass-through with "unknown command", as a
// remote end without it would.
type hub struct {
	t      *testing.T
	noCDP  bool
	proxy  *httputil.ReverseProxy
	dir    string
	mu     sync.Mutex
	counts map[string]int
}

func newHub(t *testing.T, driver string, noCDP bool) *httptest.Server {
	u, err := url.Parse(driver)
	if err != nil {
		t.Fatal(err)
	}
	h := &hub{t: t, noCDP: noCDP, proxy: httputil.NewSingleHostReverseProxy(u), dir: t.TempDir(), counts: map[string]int{}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { hubs.Delete(srv.URL) })
	hubs.Store(srv.URL, h)
	return srv
}

var hubs sync.Map

func hubFor(srv *httptest.Server) *hub {
	h, _ := hubs.Load(srv.URL)
	return h.(*hub)
}

func (h *hub) count(kind string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[kind]
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := "other"
	switch {
	case strings.HasSuffix(r.URL.Path, "/goog/cdp/execute"):
		kind = "cdp"
	case strings.HasSuffix(r.URL.Path, "/se/file"):
		kind = "se/file"
	case strings.HasSuffix(r.URL.Path, "/element/click") || strings.Contains(r.URL.Path, "/click"):
		kind = "click"
	case strings.HasSuffix(r.URL.Path, "/execute/sync"):
		kind = "execute"
	}
	h.mu.Lock()
	h.counts[kind]++
	h.mu.Unlock()
	switch {
	case kind == "cdp" && h.noCDP:
		writeJSON(w, http.StatusNotFound, map[string]any{"value": map[string]string{"error": "unknown command", "message": "unknown command: " + r.URL.Path}})
	case kind == "se/file":
		h.upload(w, r)
	default:
		h.proxy.ServeHTTP(w, r)
	}
}

func (h *hub) upload(w http.ResponseWriter, r *http.Request) {
	var req struct {
		File string `json:"file"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"value": map[string]string{"error": "invalid argument", "message": err.Error()}})
		return
	}
	data, err := base64.StdEncoding.DecodeString(req.File)
	if err == nil {
		var zr *zip.Reader
		if zr, err = zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil && len(zr.File) == 1 {
			dir, _ := os.MkdirTemp(h.dir, "upload-")
			dst := filepath.Join(dir, filepath.Base(zr.File[0].Name))
			var rc io.ReadCloser
			if rc, err = zr.File[0].Open(); err == nil {
				var b []byte
				if b, err = io.ReadAll(rc); err == nil {
					err = os.WriteFile(dst, b, 0o600)
				}
				rc.Close()
			}
			if err == nil {
				writeJSON(w, http.StatusOK, map[string]any{"value": dst})
				return
			}
		}
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"value": map[string]string{"error": "invalid argument", "message": "bad upload"}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newProvider returns a grid provider for endpoint. viaHub keeps every
// DevTools command on the WebDriver endpoint (no direct connection to the
// browser), so that the hub sees and can refuse them.
func newProvider(t *testing.T, endpoint string, viaHub bool) browser.Provider {
	p, err := grid.New(grid.Config{
		URL:     endpoint,
		Session: browser.SessionConfig{ChromeBinary: browsertest.ChromiumPath(t), DisableDirectCDP: viaHub},
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConformance runs the suite through a Grid-like hub in front of a
// plain chromedriver: chromedriver's CDP pass-through and Grid's file
// upload are used.
func TestConformance(t *testing.T) {
	driver := browsertest.StartChromedriver(t)
	srv := newHub(t, driver, false)
	browsertest.Run(t, func(t *testing.T) browser.Provider { return newProvider(t, srv.URL, true) })
	h := hubFor(srv)
	if h.count("cdp") < 50 {
		t.Errorf("only %d CDP pass-through calls: the fast path was not used", h.count("cdp"))
	}
	if h.count("se/file") < 2 {
		t.Errorf("%d uploads went through se/file, want at least 2", h.count("se/file"))
	}
}

// TestConformanceClassic runs the suite against an endpoint without the CDP
// pass-through: sessions detect it and fall back to classic WebDriver.
func TestConformanceClassic(t *testing.T) {
	driver := browsertest.StartChromedriver(t)
	srv := newHub(t, driver, true)
	browsertest.Run(t, func(t *testing.T) browser.Provider { return newProvider(t, srv.URL, true) })
	h := hubFor(srv)
	// One refused probe per session, nothing more.
	if n := h.count("cdp"); n == 0 || n > 20 {
		t.Errorf("%d CDP calls on an endpoint without CDP, want one probe per session", n)
	}
	if h.count("click") == 0 {
		t.Error("the classic element click was never used")
	}
}

// TestPlainChromedriver points the provider at a plain chromedriver on this
// machine, where sessions reach the browser's DevTools endpoint directly.
func TestPlainChromedriver(t *testing.T) {
	driver := browsertest.StartChromedriver(t)
	browsertest.Run(t, func(t *testing.T) browser.Provider { return newProvider(t, driver, false) })
}

func TestConfigValidation(t *testing.T) {
	for _, u := range []string{"", "grid:4444", "ftp://grid", "http://"} {
		if _, err := grid.New(grid.Config{URL: u}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
	if _, err := grid.New(grid.Config{URL: "http://grid:4444", MaxSessions: -1}); err == nil {
		t.Error("negative MaxSessions accepted")
	}
}
