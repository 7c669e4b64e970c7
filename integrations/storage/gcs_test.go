package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

const testBucket = "argus-blobs"

// fakeGCS starts fake-gcs-server in this process, listening on loopback,
// with one empty bucket.
func fakeGCS(t *testing.T) *fakestorage.Server {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: testBucket})
	return srv
}

func newTestGCS(t *testing.T, endpoint, prefix string) *GCS {
	t.Helper()
	g, err := NewGCS(t.Context(), GCSConfig{Bucket: testBucket, Prefix: prefix, Endpoint: endpoint + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func readBlob(t *testing.T, b Blobs, key string) string {
	t.Helper()
	r, err := b.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(got)
}

func TestGCSPutGetDeletePrefix(t *testing.T) {
	ctx := t.Context()
	srv := fakeGCS(t)
	g := newTestGCS(t, srv.URL(), "argus/")
	keys := []string{"t1/agents/a1/1/000.png", "t1/agents/a1/2/001.png", "t1/agents/a10/1/000.png", "t2/agents/a1/1/000.png"}
	for _, k := range keys {
		if err := g.Put(ctx, k, []byte("png of "+k), "image/png"); err != nil {
			t.Fatal(err)
		}
	}
	// Replacing is allowed and wins.
	if err := g.Put(ctx, keys[0], []byte("second"), "image/png"); err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, g, keys[0]); got != "second" {
		t.Fatalf("after replace: %q", got)
	}
	// The prefix and the content type reach the bucket.
	obj, err := srv.GetObject(testBucket, "argus/"+keys[1])
	if err != nil {
		t.Fatalf("object not stored under the key prefix: %v", err)
	}
	if obj.ContentType != "image/png" || string(obj.Content) != "png of "+keys[1] {
		t.Fatalf("stored object: type %q, content %q", obj.ContentType, obj.Content)
	}

	if err := g.DeletePrefix(ctx, AgentPrefix("t1", "a1")); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys[:2] {
		if _, err := g.Get(ctx, k); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s after delete: %v", k, err)
		}
	}
	for _, k := range keys[2:] {
		if got := readBlob(t, g, k); got != "png of "+k {
			t.Errorf("%s was touched by another prefix's delete: %q", k, got)
		}
	}
	// Deleting an empty prefix is not an error, nor is deleting twice.
	if err := g.DeletePrefix(ctx, AgentPrefix("t1", "a1")); err != nil {
		t.Fatal(err)
	}
}

func TestGCSPrefixIsolatesInstallations(t *testing.T) {
	ctx := t.Context()
	srv := fakeGCS(t)
	a := newTestGCS(t, srv.URL(), "a/")
	b := newTestGCS(t, srv.URL(), "b/")
	if err := a.Put(ctx, "t1/x.png", []byte("a"), "image/png"); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "t1/x.png", []byte("b"), "image/png"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeletePrefix(ctx, TenantPrefix("t1")); err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, b, "t1/x.png"); got != "b" {
		t.Fatalf("other prefix: %q", got)
	}
	if _, err := a.Get(ctx, "t1/x.png"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted: %v", err)
	}
}

func TestGCSNotFound(t *testing.T) {
	srv := fakeGCS(t)
	g := newTestGCS(t, srv.URL(), "")
	_, err := g.Get(t.Context(), "t1/agents/none/1/000.png")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	// A bucket that does not exist is an error, not "not found": the
	// operator has to fix the configuration.
	other, err := NewGCS(t.Context(), GCSConfig{Bucket: "no-such-bucket", Endpoint: srv.URL() + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Put(t.Context(), "t1/x", []byte("x"), ""); err == nil {
		t.Fatal("put into a missing bucket succeeded")
	}
}

// TestGCSLargeBlob crosses the 16 MiB chunk size, so the upload goes through
// the resumable protocol in several requests (videos will).
func TestGCSLargeBlob(t *testing.T) {
	srv := fakeGCS(t)
	g := newTestGCS(t, srv.URL(), "")
	data := bytes.Repeat([]byte("0123456789abcdef"), (17<<20)/16+3)
	if err := g.Put(t.Context(), "t1/agents/a1/video.webm", data, "video/webm"); err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, g, "t1/agents/a1/video.webm"); got != string(data) {
		t.Fatalf("large blob differs: %d bytes back, %d put", len(got), len(data))
	}
}

// TestGCSDeletePrefixPaginates deletes more objects than one listing page
// holds (a page of 7 here, 1,000 in production).
func TestGCSDeletePrefixPaginates(t *testing.T) {
	srv := fakeGCS(t)
	const n = 60
	for i := range n {
		srv.CreateObject(fakestorage.Object{
			ObjectAttrs: fakestorage.ObjectAttrs{BucketName: testBucket, Name: fmt.Sprintf("p/t1/agents/a1/1/%04d.png", i)},
			Content:     []byte("x"),
		})
	}
	srv.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: testBucket, Name: "p/t2/keep.png"}, Content: []byte("k")})
	g, err := NewGCS(t.Context(), GCSConfig{Bucket: testBucket, Prefix: "p/", Endpoint: srv.URL() + "/storage/v1/", ListPageSize: 7, DeleteConcurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := g.DeletePrefix(t.Context(), TenantPrefix("t1")); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.ListObjectsWithOptionsPaginated(testBucket, fakestorage.ListOptions{Prefix: "p/"})
	if err != nil {
		t.Fatal(err)
	}
	left := resp.Objects
	if len(left) != 1 || left[0].Name != "p/t2/keep.png" {
		names := make([]string, 0, 3)
		for _, o := range left[:min(3, len(left))] {
			names = append(names, o.Name)
		}
		t.Fatalf("%d objects left, e.g. %v", len(left), names)
	}
}

// TestGCSContextHonoured puts the fake behind a handler that never answers,
// so only the caller's context can end each call.
func TestGCSContextHonoured(t *testing.T) {
	fake, err := fakestorage.NewServerWithOptions(fakestorage.Options{NoListener: true})
	if err != nil {
		t.Fatal(err)
	}
	fake.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: testBucket})
	release := make(chan struct{})
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); stall.Close() })
	g := newTestGCS(t, stall.URL, "")

	calls := map[string]func(ctx context.Context) error{
		"put": func(ctx context.Context) error { return g.Put(ctx, "t1/a.png", []byte("x"), "image/png") },
		"get": func(ctx context.Context) error {
			r, err := g.Get(ctx, "t1/a.png")
			if err == nil {
				r.Close()
			}
			return err
		},
		"delete": func(ctx context.Context) error { return g.DeletePrefix(ctx, "t1/") },
	}
	for name, call := range calls {
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		err := call(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s against a silent server: got %v, want the context's deadline", name, err)
		}
		ctx, cancel = context.WithCancel(t.Context())
		cancel()
		if err := call(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v", name, err)
		}
	}
}

func TestGCSKeysAreChecked(t *testing.T) {
	srv := fakeGCS(t)
	g := newTestGCS(t, srv.URL(), "")
	for _, k := range []string{"", "../etc/passwd", "a//b", "a/./b", "/abs", `a\b`} {
		if err := g.Put(t.Context(), k, nil, ""); err == nil {
			t.Errorf("key %q accepted", k)
		}
	}
	if err := g.DeletePrefix(t.Context(), "t1"); err == nil {
		t.Error("prefix without trailing slash accepted")
	}
	if err := g.DeletePrefix(t.Context(), "/"); err == nil {
		t.Error("bucket-wide prefix accepted")
	}
	resp, _ := srv.ListObjectsWithOptionsPaginated(testBucket, fakestorage.ListOptions{})
	if len(resp.Objects) != 0 {
		t.Fatalf("rejected keys reached the bucket: %d objects", len(resp.Objects))
	}
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	srv := fakeGCS(t)
	dir := t.TempDir()
	for _, u := range []string{"file://" + dir, dir + "/plain"} {
		b, err := Open(ctx, u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if _, ok := b.(*Local); !ok {
			t.Fatalf("%s: got %T", u, b)
		}
	}
	b, err := Open(ctx, "gs://"+testBucket+"/installs/eu/?endpoint="+srv.URL()+"/storage/v1/")
	if err != nil {
		t.Fatal(err)
	}
	g, ok := b.(*GCS)
	if !ok {
		t.Fatalf("gs URL: got %T", b)
	}
	defer g.Close()
	if err := b.Put(ctx, "t1/x.png", []byte("x"), "image/png"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.GetObject(testBucket, "installs/eu/t1/x.png"); err != nil {
		t.Fatalf("prefix from the URL not applied: %v", err)
	}

	for _, bad := range []string{
		"", "gs://", "gs:///prefix", "gs://b?endpont=http://x", "gs://b?endpoint=ftp://x",
		"gs://user:pw@b", "gs://b/a/../c", "s3://bucket", "file://host/dir", "file:///d?x=1",
	} {
		if b, err := Open(ctx, bad); err == nil {
			t.Errorf("%q accepted as %T", bad, b)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: error echoes a password: %v", bad, err)
		}
	}
}

func FuzzParseGS(f *testing.F) {
	for _, s := range []string{"gs://b", "gs://b/p", "gs://b/p/q/?endpoint=http://127.0.0.1:1/storage/v1/", "gs://b/../x", "gs://b//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "gs" {
			return
		}
		cfg, err := parseGS(u)
		if err != nil {
			return
		}
		if cfg.Bucket == "" {
			t.Fatalf("%q: accepted without a bucket", raw)
		}
		if cfg.Prefix != "" && CheckPrefix(cfg.Prefix) != nil {
			t.Fatalf("%q: accepted prefix %q", raw, cfg.Prefix)
		}
		if cfg.Endpoint != "" && !strings.HasPrefix(cfg.Endpoint, "http") {
			t.Fatalf("%q: accepted endpoint %q", raw, cfg.Endpoint)
		}
	})
}

// BenchmarkGCSPutGet measures a screenshot-sized (300 KB) upload and
// download against fake-gcs-server on loopback: the client's own cost.
func BenchmarkGCSPutGet(b *testing.B) {
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: testBucket})
	g, err := NewGCS(b.Context(), GCSConfig{Bucket: testBucket, Endpoint: srv.URL() + "/storage/v1/"})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	data := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 300<<10/4)
	ctx := b.Context()
	b.SetBytes(int64(len(data)))
	for i := range b.N {
		key := ScreenshotKey("t1", "a1", 1, i%100)
		if err := g.Put(ctx, key, data, "image/png"); err != nil {
			b.Fatal(err)
		}
		r, err := g.Get(ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, r)
		r.Close()
		if n != int64(len(data)) {
			b.Fatalf("read %d bytes", n)
		}
	}
}
