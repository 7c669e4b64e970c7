package storage

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Open returns the blob storage that rawURL names:
//
//   - a directory, as "file:///var/lib/argus/blobs" or a plain path
//     ("data/blobs"): [Local];
//   - "gs://bucket" or "gs://bucket/key/prefix": [GCS] with Application
//     Default Credentials. The query parameter endpoint points the client at
//     an emulator instead of Google
//     ("gs://bucket?endpoint=http://127.0.0.1:4443/storage/v1/"), without
//     credentials.
//
// A GCS result holds network connections: close it (it implements
// io.Closer) when the process stops.
func Open(ctx context.Context, rawURL string) (Blobs, error) {
	if rawURL == "" {
		return nil, fmt.Errorf("storage: empty blob URL")
	}
	if !strings.Contains(rawURL, "://") {
		return NewLocal(rawURL)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("storage: blob URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("storage: file URL %q names a host; use file:///absolute/path", rawURL)
		}
		if u.RawQuery != "" {
			return nil, fmt.Errorf("storage: file URL %q takes no query parameters", rawURL)
		}
		return NewLocal(u.Path)
	case "gs":
		cfg, err := parseGS(u)
		if err != nil {
			return nil, err
		}
		return NewGCS(ctx, cfg)
	default:
		return nil, fmt.Errorf("storage: blob URL scheme %q is not file or gs", u.Scheme)
	}
}

func parseGS(u *url.URL) (GCSConfig, error) {
	// The URL is shown in errors; it carries no credentials (those come
	// from the environment), but strip a user part anyway.
	shown := u.Redacted()
	if u.User != nil {
		return GCSConfig{}, fmt.Errorf("storage: %s: credentials do not belong in the blob URL", shown)
	}
	cfg := GCSConfig{Bucket: u.Host}
	if cfg.Bucket == "" {
		return cfg, fmt.Errorf("storage: %s: no bucket; use gs://bucket/prefix", shown)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		cfg.Prefix = p + "/"
		if err := CheckPrefix(cfg.Prefix); err != nil {
			return cfg, fmt.Errorf("storage: %s: key prefix: %w", shown, err)
		}
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" {
			return cfg, fmt.Errorf("storage: %s: unknown parameter %q (only endpoint is known)", shown, k)
		}
	}
	if ep := q.Get("endpoint"); ep != "" {
		e, err := url.Parse(ep)
		if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
			return cfg, fmt.Errorf("storage: %s: endpoint must be an http(s) URL", shown)
		}
		cfg.Endpoint = ep
	}
	return cfg, nil
}
