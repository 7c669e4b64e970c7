package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/store"
)

// webhookUpdate saves the webhook URL results are sent to. (GitHub issue
// settings have their own form: githubUpdate.)
func (u *UI) webhookUpdate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := webhookForm{URL: strings.TrimSpace(r.PostFormValue("webhook_url")), Errors: map[string]string{}}
	if msg := checkBaseURL(f.URL); msg != "" {
		f.Errors["webhook_url"] = "Use an absolute https URL of the receiver, e.g. https://ci.example.com/hooks/argus."
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
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=webhook", http.StatusSeeOther)
		return nil
	}
	return u.showSettings(w, r, v, p, http.StatusBadRequest, func(d *settingsData) { d.Webhook = f })
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
