package web

import (
	"io"
	"net/http"
	"strconv"
)

// screenshot serves a step's screenshot from blob storage, found through
// the App's tenant-scoped rules.
func (u *UI) screenshot(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "agent")
	if err != nil {
		return err
	}
	attempt, err1 := strconv.Atoi(r.PathValue("attempt"))
	index, err2 := strconv.Atoi(r.PathValue("index"))
	if err1 != nil || err2 != nil || attempt < 1 {
		return notFound("screenshot")
	}
	shot, err := u.app.Screenshot(r.Context(), v.p, id, attempt, index)
	if err != nil {
		return err
	}
	defer shot.Body.Close()
	w.Header().Set("Content-Type", shot.ContentType)
	// A step's screenshot never changes; let the browser keep it, privately.
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, _ = io.Copy(w, shot.Body)
	return nil
}
