package server

import (
	"io"
	"net/http"
	"strconv"
)

// getScreenshot streams a step's screenshot from blob storage. ?attempt=
// picks an attempt; the latest one with that step is the default.
func (s *Server) getScreenshot(w http.ResponseWriter, r *http.Request) error {
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || index < 0 {
		return problem(http.StatusNotFound, "no such object: index is not a step index")
	}
	attempt := 0
	if a := r.URL.Query().Get("attempt"); a != "" {
		if attempt, err = strconv.Atoi(a); err != nil || attempt < 1 {
			return invalid("bad attempt", FieldError{Field: "attempt", Message: "must be a whole number from 1"})
		}
	}
	shot, err := s.app.Screenshot(r.Context(), principal(r), pathID(r), attempt, index)
	if err != nil {
		return err
	}
	defer shot.Body.Close()
	w.Header().Set("Content-Type", shot.ContentType)
	// Screenshots never change once written.
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	if _, err := io.Copy(w, shot.Body); err != nil {
		s.log.Debug("screenshot not fully sent", "error", err)
	}
	return nil
}
