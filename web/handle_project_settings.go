package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type settingsData struct {
	Endpoint *store.WebhookEndpoint
	Secrets  []store.Secret
	// GitHub is the "GitHub issues" form, admins only.
	GitHub githubForm
	// NewWebhookSecret is set only in the response that made a secret:
	// the one time it is shown.
	NewWebhookSecret string
	Flash            string
	General          generalForm
	Webhook          webhookForm
	Secret           secretForm
}

type generalForm struct {
	Name, BaseURL, Origins string
	BlockThirdParty        bool
	Video                  string
	AllowDestructive       bool
	Errors                 map[string]string
}

type webhookForm struct {
	URL    string
	Errors map[string]string
}

type secretForm struct {
	Name   string
	Errors map[string]string
}

// settingsPage loads what the settings page shows; admin-only parts
// (webhook, secrets, GitHub) only for admins.
func (u *UI) settingsPage(r *http.Request, v *viewer, p *store.Project) (settingsData, error) {
	d := settingsData{General: generalForm{Name: p.Name, BaseURL: p.BaseURL, Origins: strings.Join(p.AllowedOrigins, "\n"),
		BlockThirdParty: p.BlockThirdPartyRequests, Video: p.Video,
		AllowDestructive: p.DiscoveryAllowDestructive}}
	if !v.IsAdmin() {
		return d, nil
	}
	ctx := r.Context()
	var err error
	if d.Endpoint, err = u.app.WebhookEndpoint(ctx, v.p, p.ID); err != nil {
		return d, err
	}
	if d.Secrets, err = u.app.ListSecrets(ctx, v.p, p.ID); err != nil {
		return d, err
	}
	if d.GitHub, err = u.githubSettings(r, v, p); err != nil {
		return d, err
	}
	d.Webhook = webhookForm{URL: p.WebhookURL}
	return d, nil
}

func (u *UI) showSettings(w http.ResponseWriter, r *http.Request, v *viewer, p *store.Project, status int, edit func(*settingsData)) error {
	d, err := u.settingsPage(r, v, p)
	if err != nil {
		return err
	}
	if edit != nil {
		edit(&d)
	}
	u.render(w, r, status, "settings", page{Title: "Settings · " + p.Name, V: v, Project: p, Nav: "settings", Data: d})
	return nil
}

func (u *UI) projectSettings(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	flash := map[string]string{"saved": "Saved.", "secret": "Secret saved. Its value is stored encrypted and will not be shown again.",
		"deleted": "Secret deleted.", "webhook": "Webhook settings saved.",
		"github": "GitHub issue settings saved.", "github-removed": "Failures are no longer reported to GitHub."}[r.URL.Query().Get("done")]
	return u.showSettings(w, r, v, p, http.StatusOK, func(d *settingsData) { d.Flash = flash })
}

// projectUpdate saves the general settings members may change: name, base
// URL and the origins the agent may visit.
func (u *UI) projectUpdate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := generalForm{Name: strings.TrimSpace(r.PostFormValue("name")), BaseURL: strings.TrimSpace(r.PostFormValue("base_url")),
		Origins: r.PostFormValue("allowed_origins"), BlockThirdParty: r.PostFormValue("block_third_party_requests") == "on",
		Video: r.PostFormValue("video"), AllowDestructive: r.PostFormValue("discovery_allow_destructive") == "on", Errors: map[string]string{}}
	origins := splitList(f.Origins, false)
	_, err = u.app.UpdateProject(r.Context(), v.p, p.ID, app.ProjectChanges{Name: &f.Name, BaseURL: &f.BaseURL, AllowedOrigins: &origins,
		BlockThirdPartyRequests: &f.BlockThirdParty, Video: &f.Video,
		DiscoveryAllowDestructive: &f.AllowDestructive})
	if err == nil {
		http.Redirect(w, r, "/projects/"+p.ID.String()+"/settings?done=saved", http.StatusSeeOther)
		return nil
	}
	if !fieldErrors(err, f.Errors, nil) {
		return err
	}
	return u.showSettings(w, r, v, p, statusOf(err), func(d *settingsData) { d.General = f })
}
