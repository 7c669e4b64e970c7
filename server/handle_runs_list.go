package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// listRuns lists a project's runs, newest first, one page at a time. Runs
// in a list carry no agents; GET /api/v1/runs/{id} has them.
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	runs, next, err := s.app.ListRuns(r.Context(), principal(r), pathID(r), pageRequest(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.PageOf(app.Map(runs, func(run *store.Run) api.Run { return s.app.RunView(run, nil) }), next))
	return nil
}
