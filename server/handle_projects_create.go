package server

import (
	"context"
	"net/http"

	"github.com/argusqa/argus/store"
)

type projectRequest struct {
	Name           string   `json:"name"`
	BaseURL        string   `json:"base_url"`
	AllowedOrigins []string `json:"allowed_origins"`
	WebhookURL     string   `json:"webhook_url"`
	DefaultModel   string   `json:"default_model"`
}

// createProject adds a project.
func (s *Server) createProject(w http.ResponseWriter, r *http.Request) {
	var req projectRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.WebhookURL != "" && !principal(r).IsAdmin() {
		s.fail(w, r, problem(http.StatusForbidden, "only an admin may set a webhook"))
		return
	}
	if err := s.checkWebhookURL(r.Context(), req.WebhookURL); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.CreateProject(r.Context(), principal(r).TenantID, store.ProjectInput{
		Name: req.Name, BaseURL: req.BaseURL, AllowedOrigins: req.AllowedOrigins, WebhookURL: req.WebhookURL, DefaultModel: req.DefaultModel,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/projects/"+p.ID.String())
	writeJSON(w, http.StatusCreated, viewProject(p))
}

// checkWebhookURL runs Config.ValidateWebhookURL on a webhook URL being
// saved; an empty URL (no webhook) needs no check.
func (s *Server) checkWebhookURL(ctx context.Context, raw string) error {
	if raw == "" || s.cfg.ValidateWebhookURL == nil {
		return nil
	}
	if err := s.cfg.ValidateWebhookURL(ctx, raw); err != nil {
		return invalid("the webhook URL is not allowed", FieldError{Field: "webhook_url", Message: err.Error()})
	}
	return nil
}
