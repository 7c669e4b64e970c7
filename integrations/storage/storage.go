// Package storage keeps blobs — step screenshots and agents' videos — out of
// PostgreSQL, behind one small interface with a local-directory
// implementation (the default) and others for cloud buckets.
//
// Keys are slash-separated paths that start with the tenant's id
// ("<tenant>/<agent>/003.png"), so deleting a tenant, project or agent is a
// prefix delete and a download can be checked against the caller's tenant
// before any byte is read.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotFound is returned by Get for a key that holds nothing.
var ErrNotFound = errors.New("storage: blob not found")

// Blobs stores and serves opaque blobs by key. Implementations are safe for
// concurrent use.
type Blobs interface {
	// Put stores data under key, replacing what was there.
	Put(ctx context.Context, key string, data []byte, contentType string) error
	// Get opens the blob under key; ErrNotFound when there is none. The
	// caller closes the reader.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// DeletePrefix removes every blob whose key starts with prefix, which
	// must end in "/" so "t1/a1" never removes "t1/a10/…".
	DeletePrefix(ctx context.Context, prefix string) error
}

// CheckKey reports whether key is a well-formed blob key: relative,
// slash-separated, no empty, "." or ".." segment, no backslash or NUL.
func CheckKey(key string) error {
	if key == "" || len(key) > 512 {
		return fmt.Errorf("storage: key must be 1 to 512 bytes, got %d", len(key))
	}
	if strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("storage: key %q contains a backslash or NUL", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("storage: key %q has an empty, . or .. segment", key)
		}
	}
	return nil
}

// CheckPrefix reports whether prefix is usable with DeletePrefix.
func CheckPrefix(prefix string) error {
	if !strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("storage: prefix %q must end in /", prefix)
	}
	return CheckKey(strings.TrimSuffix(prefix, "/"))
}

// ScreenshotKey is where the screenshot of an agent's step is kept.
func ScreenshotKey(tenant, agent string, attempt, step int) string {
	return fmt.Sprintf("%s/agents/%s/%d/%03d.png", tenant, agent, attempt, step)
}

// VideoKey is where the recording of an agent's attempt is kept: inside
// the agent's prefix, so it goes with the agent, its project and tenant.
func VideoKey(tenant, agent string, attempt int) string {
	return fmt.Sprintf("%s/agents/%s/%d/video.webm", tenant, agent, attempt)
}

// AgentPrefix holds every blob of one agent.
func AgentPrefix(tenant, agent string) string { return tenant + "/agents/" + agent + "/" }

// TenantPrefix holds every blob of one tenant.
func TenantPrefix(tenant string) string { return tenant + "/" }
