package server

import (
	"bytes"
	"net/http"
	"time"
)

// getVideo serves an agent's recording (WebM), with range requests so a
// player can seek.
func (s *Server) getVideo(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.AgentVideo(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", v.ContentType)
	// A kept recording never changes.
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "video.webm", time.Time{}, bytes.NewReader(v.Data))
	return nil
}
