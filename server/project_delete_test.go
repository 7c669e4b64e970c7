package server_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// TestDeleteProjectDeletesItsScreenshots: deleting a project removes its
// agents' blobs too, and nothing of another tenant.
func TestDeleteProjectDeletesItsScreenshots(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.world("acme"), e.world("globex")
	ctx := context.Background()
	shotA := storage.ScreenshotKey(a.tenant.ID.String(), a.agent.ID.String(), 1, 0)
	shotB := storage.ScreenshotKey(b.tenant.ID.String(), b.agent.ID.String(), 1, 0)
	videoA := storage.VideoKey(a.tenant.ID.String(), a.agent.ID.String(), 1)
	if err := e.blobs.Put(ctx, videoA, []byte("webm"), "video/webm"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.FinishAgent(ctx, a.tenant.ID, a.agent.ID, store.AgentResult{Status: store.StatusFailed, VideoKey: &videoA}); err != nil {
		t.Fatal(err)
	}

	if r := e.do("DELETE", "/api/v1/projects/"+a.project.ID.String(), key(b.adminKey), nil); r.status != http.StatusNotFound {
		t.Fatalf("other tenant's delete: %d", r.status)
	}
	if r := e.do("DELETE", "/api/v1/projects/"+a.project.ID.String(), key(a.adminKey), nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if _, err := e.blobs.Get(ctx, shotA); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the deleted project's screenshot is still stored: %v", err)
	}
	if _, err := e.blobs.Get(ctx, videoA); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the deleted project's video is still stored: %v", err)
	}
	if d, err := e.store.GetDiscovery(ctx, a.tenant.ID, a.discovery.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deleted project's discovery is still there: %+v %v", d, err)
	}
	rc, err := e.blobs.Get(ctx, shotB)
	if err != nil {
		t.Fatalf("another tenant's screenshot was deleted: %v", err)
	}
	rc.Close()
}
