package server

import (
	"net/http"

	"github.com/argusqa/argus/app"
)

// listDeliveries lists a project's webhook delivery attempts, newest
// first, one page at a time (admin).
func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	ds, next, err := s.app.ListDeliveries(r.Context(), principal(r), pathID(r), pageRequest(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.PageOf(app.Map(ds, app.DeliveryView), next))
	return nil
}
