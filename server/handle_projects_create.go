package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// createProject adds a project. Its webhook's signing secret, made when a
// webhook URL is given, is in the answer once.
func (s *Server) createProject(w http.ResponseWriter, r *http.Request) error {
	var req api.ProjectCreate
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	saved, err := s.app.CreateProject(r.Context(), principal(r), app.ProjectInput{Name: req.Name, BaseURL: req.BaseURL,
		AllowedOrigins: req.AllowedOrigins, BlockThirdPartyRequests: req.BlockThirdPartyRequests, WebhookURL: req.WebhookURL, DefaultModel: req.DefaultModel, Video: req.Video, DiscoveryAllowDestructive: req.DiscoveryAllowDestructive})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/projects/"+saved.Project.ID.String())
	writeJSON(w, http.StatusCreated, savedProjectView(saved))
	return nil
}

func savedProjectView(saved *app.SavedProject) api.Project {
	v := app.ProjectView(saved.Project)
	v.WebhookSecret = saved.WebhookSecret
	return v
}
