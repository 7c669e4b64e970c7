package server_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/argusqa/argus/integrations/storage"
)

// TestDeleteProjectDeletesItsScreenshots: deleting a project removes its
// agents' blobs too, and nothing of another tenant.
func TestDeleteProjectDeletesItsScreenshots(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.world("acme"), e.world("globex")
	ctx := context.Background()
	shotA := storage.ScreenshotKey(a.tenant.ID.String(), a.agent.ID.String(), 1, 0)
	shotB := storage.ScreenshotKey(b.tenant.ID.String(), b.agent.ID.String(), 1, 0)

	if r := e.do("DELETE", "/api/v1/projects/"+a.project.ID.String(), key(b.adminKey), nil); r.status != http.StatusNotFound {
		t.Fatalf("other tenant's delete: %d", r.status)
	}
	if r := e.do("DELETE", "/api/v1/projects/"+a.project.ID.String(), key(a.adminKey), nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if _, err := e.blobs.Get(ctx, shotA); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the deleted project's screenshot is still stored: %v", err)
	}
	rc, err := e.blobs.Get(ctx, shotB)
	if err != nil {
		t.Fatalf("another tenant's screenshot was deleted: %v", err)
	}
	rc.Close()
}
