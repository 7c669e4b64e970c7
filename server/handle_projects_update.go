package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// updateProject changes the fields given; the webhook only by an admin.
// Setting a webhook on a project without a signing secret answers with the
// new secret, once.
func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) error {
	var req api.ProjectPatch
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	saved, err := s.app.UpdateProject(r.Context(), principal(r), pathID(r), app.ProjectChanges{Name: req.Name, BaseURL: req.BaseURL,
		AllowedOrigins: req.AllowedOrigins, BlockThirdPartyRequests: req.BlockThirdPartyRequests, WebhookURL: req.WebhookURL, DefaultModel: req.DefaultModel, Video: req.Video, DiscoveryAllowDestructive: req.DiscoveryAllowDestructive})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, savedProjectView(saved))
	return nil
}
