package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/store"
)

// webhookUpdate saves where results go: the webhook URL and the GitHub
// repository failures are reported to.
func (u *UI) webhookUpdate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := webhookForm{URL: strings.TrimSpace(r.PostFormValue("webhook_url")), GitHub: strings.TrimSpace(r.PostFormValue("github_repository")), Errors: map[string]string{}}
	if msg := checkBaseURL(f.URL); msg != "" {
		f.Errors["webhook_url"] = "Use an absolute https URL of the receiver, e.g. https://ci.example.com/hooks/argus."
	}
	if f.GitHub != "" && !repoPattern.MatchString(f.GitHub) {
		f.Errors["github_repository"] = "Write the repository as owner/name, e.g. acme/shop."
	}
	if len(f.Errors) == 0 && f.URL != "" && u.cfg.ValidateWebhookURL != nil {
		if err := u.cfg.ValidateWebhookURL(r.Context(), f.URL); err != nil {
			f.Errors["webhook_url"] = err.Error()
		}
	}
	if len(f.Errors) == 0 {
		_, err = u.store.UpdateProject(r.Context(), v.TenantID, p.ID, store.ProjectInput{Name: p.Name, BaseURL: p.BaseURL,
			AllowedOrigins: p.AllowedOrigins, WebhookURL: f.URL, DefaultModel: p.DefaultModel, Settings: p.Settings})
		if errors.Is(err, store.ErrInvalid) {
			f.Errors["webhook_url"] = err.Error()
		} else if err != nil {
			return err
		}
	}
	if len(f.Errors) == 0 {
		// Saving is the admin's answer to a receiver that had asked not to
		// be called (410): deliveries resume.
		if f.URL != "" {
			if err := u.store.EnableWebhook(r.Context(), v.TenantID, p.ID); err != nil {
				return err
			}
		}
		if err := u.setGitHubRepo(r, v, p, f.GitHub); err != nil {
			return err
		}
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=webhook", http.StatusSeeOther)
		return nil
	}
	return u.showSettings(w, r, v, p, http.StatusBadRequest, func(d *settingsData) { d.Webhook = f })
}

func (u *UI) setGitHubRepo(r *http.Request, v *viewer, p *store.Project, repo string) error {
	cur, err := u.store.GetIntegration(r.Context(), v.TenantID, store.IntegrationGitHub, &p.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if repo == "" {
			return nil
		}
		cur = &store.Integration{Config: map[string]any{}}
	case err != nil:
		return err
	}
	if old, _ := cur.Config["repository"].(string); old == repo {
		return nil
	}
	cfg := map[string]any{}
	for k, val := range cur.Config {
		cfg[k] = val
	}
	if repo == "" {
		delete(cfg, "repository")
	} else {
		cfg["repository"] = repo
	}
	// An empty Token keeps the stored one (an installation's token).
	_, err = u.store.PutIntegration(r.Context(), v.TenantID, store.IntegrationInput{ProjectID: &p.ID, Kind: store.IntegrationGitHub, Config: cfg})
	return err
}

// webhookRotate makes a new signing secret and shows it once, in this
// response only. The previous secret keeps signing beside it for
// Config.WebhookRotationOverlap, so the receiver can switch over without
// rejecting deliveries.
func (u *UI) webhookRotate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	// webhook.RotateSecret makes the secret the signer can read back
	// (standard base64, as Standard Webhooks libraries expect).
	secret, err := webhook.RotateSecret(r.Context(), u.store, v.TenantID, p.ID, u.cfg.WebhookRotationOverlap)
	if err != nil {
		return err
	}
	return u.showSettings(w, r, v, p, http.StatusOK, func(d *settingsData) { d.NewWebhookSecret = secret })
}
