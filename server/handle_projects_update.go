package server

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type projectPatch struct {
	Name           *string   `json:"name"`
	BaseURL        *string   `json:"base_url"`
	AllowedOrigins *[]string `json:"allowed_origins"`
	WebhookURL     *string   `json:"webhook_url"`
	DefaultModel   *string   `json:"default_model"`
}

// updateProject changes the fields given; the webhook only by an admin.
func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req projectPatch
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	p := principal(r)
	cur, err := s.store.GetProject(r.Context(), p.TenantID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := store.ProjectInput{Name: cur.Name, BaseURL: cur.BaseURL, AllowedOrigins: cur.AllowedOrigins,
		WebhookURL: cur.WebhookURL, DefaultModel: cur.DefaultModel, Settings: cur.Settings}
	if req.Name != nil {
		in.Name = *req.Name
	}
	if req.BaseURL != nil {
		in.BaseURL = *req.BaseURL
	}
	if req.AllowedOrigins != nil {
		in.AllowedOrigins = *req.AllowedOrigins
	}
	if req.WebhookURL != nil && *req.WebhookURL != cur.WebhookURL {
		if !p.IsAdmin() {
			s.fail(w, r, problem(http.StatusForbidden, "only an admin may change the webhook"))
			return
		}
		if err := s.checkWebhookURL(r.Context(), *req.WebhookURL); err != nil {
			s.fail(w, r, err)
			return
		}
		in.WebhookURL = *req.WebhookURL
	}
	if req.DefaultModel != nil {
		in.DefaultModel = *req.DefaultModel
	}
	upd, err := s.store.UpdateProject(r.Context(), p.TenantID, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewProject(upd))
}
