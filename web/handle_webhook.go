package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
)

// webhookUpdate saves the webhook URL results are sent to; the first URL
// gets a signing secret, shown once. (GitHub issue settings have their own
// form: githubUpdate.)
func (u *UI) webhookUpdate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := webhookForm{URL: strings.TrimSpace(r.PostFormValue("webhook_url")), Errors: map[string]string{}}
	saved, err := u.app.UpdateProject(r.Context(), v.p, p.ID, app.ProjectChanges{WebhookURL: &f.URL})
	switch {
	case err == nil && saved.WebhookSecret != "":
		return u.showSettings(w, r, v, saved.Project, http.StatusOK, func(d *settingsData) {
			d.NewWebhookSecret, d.Flash = saved.WebhookSecret, "Webhook settings saved."
		})
	case err == nil:
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=webhook", http.StatusSeeOther)
		return nil
	case !fieldErrors(err, f.Errors, nil):
		return err
	}
	return u.showSettings(w, r, v, p, statusOf(err), func(d *settingsData) { d.Webhook = f })
}

// webhookRotate makes a new signing secret and shows it once, in this
// response only. The previous secret keeps signing beside it for a day,
// so the receiver can switch over without rejecting deliveries.
func (u *UI) webhookRotate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	rs, err := u.app.RotateWebhookSecret(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	return u.showSettings(w, r, v, p, http.StatusOK, func(d *settingsData) { d.NewWebhookSecret = rs.Secret })
}
