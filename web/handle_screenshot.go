package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/integrations/storage"
)

// screenshot serves a step's screenshot from blob storage. The agent is
// read through the tenant-scoped store first, and the blob key must sit
// under the tenant's prefix, so no other tenant's blob can be reached.
func (u *UI) screenshot(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, err := u.loadAgent(r, v)
	if err != nil {
		return err
	}
	attempt, err1 := strconv.Atoi(r.PathValue("attempt"))
	index, err2 := strconv.Atoi(r.PathValue("index"))
	if err1 != nil || err2 != nil {
		return notFound("screenshot")
	}
	steps, err := u.store.ListSteps(r.Context(), v.TenantID, a.ID)
	if err != nil {
		return err
	}
	key := ""
	for _, st := range steps {
		if st.Attempt == attempt && st.Index == index {
			key = st.ScreenshotKey
		}
	}
	if key == "" || !strings.HasPrefix(key, storage.TenantPrefix(v.TenantID.String())) {
		return notFound("screenshot")
	}
	rc, err := u.cfg.Blobs.Get(r.Context(), key)
	if errors.Is(err, storage.ErrNotFound) {
		return notFound("screenshot")
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "image/png")
	// A step's screenshot never changes; let the browser keep it, privately.
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, _ = io.Copy(w, rc)
	return nil
}
