package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// syncTestFiles parses test files (the YAML format of docs/test-files.md)
// and upserts their tests into the project by name, all or nothing; each
// problem is reported with its file:line.
func (s *Server) syncTestFiles(w http.ResponseWriter, r *http.Request) error {
	var req api.TestFiles
	if err := decode(w, r, s.cfg.MaxUploadBytes, &req); err != nil {
		return err
	}
	files := make([]app.TestFile, len(req.Files))
	for i, f := range req.Files {
		files[i] = app.TestFile{Path: f.Path, Content: f.Content}
	}
	changes, err := s.app.SyncTestFiles(r.Context(), principal(r), pathID(r), files)
	if err != nil {
		return err
	}
	out := api.SyncedTests{Tests: make([]api.SyncedTest, len(changes))}
	for i, c := range changes {
		out.Tests[i] = api.SyncedTest{ID: c.Test.ID, Name: c.Test.Name, Change: c.Change}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
