package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded CSS, JavaScript and icons. URLs carry a
// content hash (?v=…), so a versioned URL is cached for a year and a new
// build is fetched at once.
type assets struct {
	files map[string][]byte
	hash  map[string]string
	start time.Time
}

func loadAssets() (*assets, error) {
	as := &assets{files: map[string][]byte{}, hash: map[string]string{}, start: time.Now()}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		as.files[name] = b
		as.hash[name] = hex.EncodeToString(sum[:6])
		return nil
	})
	return as, err
}

// url is the versioned URL of an asset, for templates.
func (as *assets) url(name string) string {
	return "/static/" + name + "?v=" + as.hash[name]
}

func (as *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, ok := as.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	if v := r.URL.Query().Get("v"); v != "" && v == as.hash[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("ETag", `"`+as.hash[name]+`"`)
	http.ServeContent(w, r, name, as.start, bytes.NewReader(b))
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
