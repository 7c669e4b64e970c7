package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// TestProjectDeleteRemovesScreenshots: deleting a project from the UI
// removes its agents' screenshots along with the rows.
func TestProjectDeleteRemovesScreenshots(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, test := e.seedProject("Shop", "Checkout")
	_, agents := e.seedRun(p, test.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(0, "", "navigate", "opened /", []byte("\x89PNG fake"))
	w.finish(store.StatusPassed, "done", "")
	shot := storage.ScreenshotKey(e.tenant.ID.String(), agents[0].ID.String(), 1, 0)
	if rc, err := e.blobs.Get(e.ctx, shot); err != nil {
		t.Fatalf("seeded screenshot: %v", err)
	} else {
		rc.Close()
	}

	c := e.login("ada@example.com")
	if res := c.post("/projects/"+p.ID.String()+"/delete", url.Values{"confirm": {"not the name"}}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong confirmation: %d", res.StatusCode)
	}
	if res := c.post("/projects/"+p.ID.String()+"/delete", url.Values{"confirm": {"Shop"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", res.StatusCode, res.Body)
	}
	if _, err := e.st.GetProject(e.ctx, e.tenant.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("project still there: %v", err)
	}
	if _, err := e.blobs.Get(e.ctx, shot); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("screenshot left behind: %v", err)
	}
}
