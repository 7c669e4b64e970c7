package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/integrations/storage"
)

// getScreenshot streams a step's screenshot from blob storage. The step is
// found through the tenant-scoped store, and its key must lie under the
// tenant's prefix before a byte is read. ?attempt= picks an attempt; the
// latest one with that step is the default.
func (s *Server) getScreenshot(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	index, err := pathIndex(r, "index")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attempt := 0
	if a := r.URL.Query().Get("attempt"); a != "" {
		if attempt, err = strconv.Atoi(a); err != nil || attempt < 1 {
			s.fail(w, r, invalid("bad attempt", FieldError{"attempt", "must be a whole number from 1"}))
			return
		}
	}
	tenant := principal(r).TenantID
	steps, err := s.store.ListSteps(r.Context(), tenant, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := ""
	for _, st := range steps {
		if st.Index == index && (attempt == 0 || st.Attempt == attempt) && st.ScreenshotKey != "" {
			key = st.ScreenshotKey // steps come by attempt, so the last match is the latest
		}
	}
	notFound := problem(http.StatusNotFound, "no screenshot for this step")
	if key == "" || !strings.HasPrefix(key, storage.TenantPrefix(tenant.String())) || storage.CheckKey(key) != nil {
		s.fail(w, r, notFound)
		return
	}
	blob, err := s.cfg.Blobs.Get(r.Context(), key)
	if errors.Is(err, storage.ErrNotFound) {
		s.fail(w, r, notFound)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	defer blob.Close()
	w.Header().Set("Content-Type", blobType(key))
	// Screenshots never change once written.
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	if _, err := io.Copy(w, blob); err != nil {
		s.log.Debug("screenshot not fully sent", "error", err)
	}
}

// blobType is the media type of a screenshot by its key's extension.
func blobType(key string) string {
	switch {
	case strings.HasSuffix(key, ".png"):
		return "image/png"
	case strings.HasSuffix(key, ".jpg"), strings.HasSuffix(key, ".jpeg"):
		return "image/jpeg"
	case strings.HasSuffix(key, ".webp"):
		return "image/webp"
	}
	return "application/octet-stream"
}
