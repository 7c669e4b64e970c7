package server

import (
	"net/http"
	"time"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/suite"
)

// createTest adds a test to a project, checked with the rules of the test
// file format.
func (s *Server) createTest(w http.ResponseWriter, r *http.Request) error {
	var req api.TestWrite
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	t, err := s.app.CreateTest(r.Context(), principal(r), pathID(r), draft(&req))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tests/"+t.ID.String())
	writeJSON(w, http.StatusCreated, app.TestView(t))
	return nil
}

func draft(t *api.TestWrite) suite.Draft {
	return suite.Draft{Name: t.Name, URL: t.URL, Goal: t.Goal, Steps: t.Steps, Checkpoints: t.Checkpoints, Tags: t.Tags,
		Covers: t.Covers, Timeout: time.Duration(t.TimeoutSeconds) * time.Second, Persona: t.Persona, Video: t.Video, Priority: t.Priority}
}
