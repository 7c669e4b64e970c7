package web

import (
	"bytes"
	"net/http"
	"time"
)

// video serves an agent's recording to the player on its page, found
// through the App's tenant-scoped rules.
func (u *UI) video(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "agent")
	if err != nil {
		return err
	}
	vid, err := u.app.AgentVideo(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", vid.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "video.webm", time.Time{}, bytes.NewReader(vid.Data))
	return nil
}
